/** Placeholder until this panel is built (issue 5, in progress). */
export function EditorPanel() {
  return <div className="panel-empty">EditorPanel: being built</div>;
}
