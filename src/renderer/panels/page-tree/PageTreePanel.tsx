/** Placeholder until this panel is built (issue 5, in progress). */
export function PageTreePanel() {
  return <div className="panel-empty">PageTreePanel: being built</div>;
}
