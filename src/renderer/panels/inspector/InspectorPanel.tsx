/** Placeholder until this panel is built (issue 5, in progress). */
export function InspectorPanel() {
  return <div className="panel-empty">InspectorPanel: being built</div>;
}
