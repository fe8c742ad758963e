/** Placeholder until this panel is built (issue 5, in progress). */
export function PmmPanel() {
  return <div className="panel-empty">PmmPanel: being built</div>;
}
