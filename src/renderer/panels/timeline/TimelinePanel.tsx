/** Placeholder until this panel is built (issue 5, in progress). */
export function TimelinePanel() {
  return <div className="panel-empty">TimelinePanel: being built</div>;
}
