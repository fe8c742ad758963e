/** Placeholder until this panel is built (issue 5, in progress). */
export function MemoryMapPanel() {
  return <div className="panel-empty">MemoryMapPanel: being built</div>;
}
