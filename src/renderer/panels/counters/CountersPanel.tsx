/** Placeholder until this panel is built (issue 5, in progress). */
export function CountersPanel() {
  return <div className="panel-empty">CountersPanel: being built</div>;
}
