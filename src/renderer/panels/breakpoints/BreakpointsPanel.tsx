/** Placeholder until this panel is built (issue 5, in progress). */
export function BreakpointsPanel() {
  return <div className="panel-empty">BreakpointsPanel: being built</div>;
}
