/**
 * The scenario editor's CodeMirror configuration: YAML with the app's dark colours, the
 * usual editing keys, completion from completion.ts, the lint gutter and underlines that
 * the panel fills with a run's errors, and Ctrl+Enter / Cmd+Enter to run.
 *
 * Styling and the CSP: CodeMirror styles itself at run time (style-mod). In a document it
 * does so with a <style> element, which the app's `style-src 'self'` refuses; inside a
 * shadow root it uses a constructed stylesheet (`adoptedStyleSheets`), which CSP does not
 * govern. So the panel mounts the editor in a shadow root (EditorPanel.tsx) and everything
 * the editor looks like is defined here, as CodeMirror themes. The app's CSS custom
 * properties (--bg-panel, --fg, --font-code…) inherit into the shadow tree, so the editor
 * follows the app's look.
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type CompletionSource } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, foldGutter, foldKeymap, HighlightStyle, indentOnInput, indentUnit, syntaxHighlighting, syntaxTree } from '@codemirror/language';
import { lintGutter, lintKeymap } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { EditorState, Prec, RangeSetBuilder, type Extension } from '@codemirror/state';
import {
  Decoration,
  drawSelection,
  dropCursor,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  ViewPlugin,
  type DecorationSet,
  type ViewUpdate,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { OKABE_ITO } from '../../theme/palette';

const ERROR = '#ff8a73';

/** The wavy underline of an error, as the lint package draws it, in the app's error colour. */
function underline(colour: string): string {
  const path = `<path d="m0 2.5 l2 -1.5 l1 0 l2 1.5 l1 0" stroke="${colour}" fill="none" stroke-width=".7"/>`;
  return `url('data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" width="6" height="3">${encodeURIComponent(path)}</svg>')`;
}

const theme = EditorView.theme(
  {
    '&': { height: '100%', backgroundColor: 'var(--bg-panel)', color: 'var(--fg)', fontSize: 'var(--size)' },
    '&.cm-focused': { outline: 'none' },
    '.cm-scroller': { fontFamily: 'var(--font-code)', lineHeight: '1.5' },
    '.cm-content': { caretColor: 'var(--fg)', padding: '6px 0' },
    '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)', borderLeftWidth: '2px' },
    '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': {
      backgroundColor: '#2f4a63',
    },
    '.cm-activeLine': { backgroundColor: '#232833' },
    '.cm-gutters': { backgroundColor: 'var(--bg-panel)', color: '#6b7480', border: 'none', borderRight: '1px solid #2c313a' },
    '.cm-activeLineGutter': { backgroundColor: '#232833', color: 'var(--fg-dim)' },
    '.cm-foldPlaceholder': { backgroundColor: 'var(--bg-raised)', border: '1px solid #3a414d', color: 'var(--fg-dim)' },
    '.cm-matchingBracket, &.cm-focused .cm-matchingBracket': { backgroundColor: '#3a414d', outline: 'none' },
    '.cm-selectionMatch': { backgroundColor: '#2a3340' },
    '.cm-searchMatch': { backgroundColor: '#4a4424', outline: `1px solid ${OKABE_ITO.yellow}66` },
    '.cm-panels': { backgroundColor: 'var(--bg-raised)', color: 'var(--fg)' },
    '.cm-panels input, .cm-panels button': { font: 'inherit', color: 'inherit' },
    '.cm-textfield': { backgroundColor: 'var(--bg)', border: '1px solid #3a414d', borderRadius: '4px' },
    '.cm-button': { backgroundImage: 'none', backgroundColor: 'var(--bg-panel)', border: '1px solid #3a414d', borderRadius: '4px' },
    // tooltips: completion, hover, errors
    '.cm-tooltip': { backgroundColor: 'var(--bg-raised)', color: 'var(--fg)', border: '1px solid #3a414d', borderRadius: '6px', overflow: 'hidden' },
    '.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--font-code)', maxHeight: '16em' },
    '.cm-tooltip-autocomplete > ul > li': { padding: '2px 8px !important' },
    '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: '#2f4a63', color: 'var(--fg)' },
    '.cm-completionLabel': { color: 'var(--fg)' },
    '.cm-completionMatchedText': { textDecoration: 'none', color: OKABE_ITO.skyBlue, fontWeight: '600' },
    '.cm-completionDetail': { color: 'var(--fg-dim)', fontStyle: 'normal', marginLeft: '1.2em' },
    '.cm-completionInfo': { backgroundColor: 'var(--bg-raised)', border: '1px solid #3a414d', padding: '4px 8px', maxWidth: '24em' },
    '.cm-completionIcon': { opacity: '0.8', width: '1.1em' },
    '.cm-completionIcon-function:after': { content: "'▸'", color: OKABE_ITO.orange },
    '.cm-completionIcon-property:after': { content: "'◆'", color: OKABE_ITO.skyBlue },
    '.cm-completionIcon-enum:after': { content: "'●'", color: OKABE_ITO.yellow },
    '.cm-completionIcon-variable:after': { content: "'◇'", color: OKABE_ITO.green },
    '.cm-snippetField': { backgroundColor: '#2f4a6380' },
    // located errors
    '.cm-lintRange-error': { backgroundImage: underline(ERROR) },
    '.cm-lintPoint-error:after': { borderBottomColor: ERROR },
    '.cm-diagnostic': { fontFamily: 'var(--font-ui)', maxWidth: '40em' },
    '.cm-diagnostic-error': { borderLeft: `4px solid ${ERROR}` },
    '.cm-tooltip-lint': { padding: '2px 0' },
    '.cm-op': { color: OKABE_ITO.orange, fontWeight: '600' },
    '.cm-number': { color: OKABE_ITO.yellow },
  },
  { dark: true },
);

/** YAML's parts in the app's colours (Okabe–Ito, readable on the dark panel). */
const highlight = HighlightStyle.define([
  { tag: tags.definition(tags.propertyName), color: OKABE_ITO.skyBlue },
  { tag: tags.string, color: '#5fc9a0' },
  { tag: tags.special(tags.string), color: 'var(--fg-dim)' },
  // plain values keep the editor's colour, so that the op and number marks show through
  { tag: tags.lineComment, color: 'var(--fg-dim)', fontStyle: 'italic' },
  { tag: tags.separator, color: '#6b7480' },
  { tag: [tags.labelName, tags.typeName], color: OKABE_ITO.purple },
  { tag: [tags.keyword, tags.meta], color: OKABE_ITO.purple },
  { tag: tags.attributeValue, color: 'var(--fg-dim)' },
]);

const NUMBER = /^-?\d[\d_.]*(?:[KMGT]iB|[KMGT]B\/s|ns|us|µs|ms|s)?$/;
const opMark = Decoration.mark({ class: 'cm-op' });
const numberMark = Decoration.mark({ class: 'cm-number' });

/**
 * The values a reader looks for, from the syntax tree of the visible lines: each step's op
 * (what happens) and numbers with their units (sizes, durations). Prose (a note's folded
 * text) is a block literal, not a plain value, so its numbers stay as they are.
 */
function valueMarks(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const { state } = view;
  const tree = syntaxTree(state);
  for (const { from, to } of view.visibleRanges) {
    tree.iterate({
      from,
      to,
      enter: (node) => {
        if (node.name === 'Key') return false;
        if (node.name !== 'Literal') return undefined;
        const text = state.doc.sliceString(node.from, node.to);
        const key = node.node.parent?.name === 'Pair' ? node.node.parent.getChild('Key') : null;
        if (NUMBER.test(text)) builder.add(node.from, node.to, numberMark);
        else if (key && state.doc.sliceString(key.from, key.to) === 'op') builder.add(node.from, node.to, opMark);
        return false;
      },
    });
  }
  return builder.finish();
}

const marks = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = valueMarks(view);
    }
    update(update: ViewUpdate) {
      if (update.docChanged || update.viewportChanged || syntaxTree(update.startState) !== syntaxTree(update.state)) {
        this.decorations = valueMarks(update.view);
      }
    }
  },
  { decorations: (v) => v.decorations },
);

export interface EditorOptions {
  readonly completion: CompletionSource;
  /** Ctrl+Enter / Cmd+Enter. */
  readonly onRun: () => void;
  readonly onUpdate: (update: ViewUpdate) => void;
  readonly label: string;
}

/** Everything the editor state needs; made once per panel and reused for each document. */
export function editorExtensions(options: EditorOptions): Extension[] {
  return [
    Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (options.onRun(), true), preventDefault: true }])),
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    foldGutter(),
    lintGutter(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    indentUnit.of('  '),
    EditorState.tabSize.of(2),
    yaml(),
    syntaxHighlighting(highlight),
    marks,
    bracketMatching(),
    closeBrackets(),
    autocompletion({ override: [options.completion], icons: true, activateOnTypingDelay: 60 }),
    highlightActiveLine(),
    highlightSelectionMatches(),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, ...completionKeymap, ...lintKeymap, indentWithTab]),
    EditorView.contentAttributes.of({ 'aria-label': options.label }),
    EditorView.updateListener.of(options.onUpdate),
    theme,
  ];
}
