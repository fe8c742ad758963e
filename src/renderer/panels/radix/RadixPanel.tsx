/** Placeholder until this panel is built (issue 5, in progress). */
export function RadixPanel() {
  return <div className="panel-empty">RadixPanel: being built</div>;
}
