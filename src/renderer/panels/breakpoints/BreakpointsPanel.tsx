/**
 * Breakpoints: a box to add one (the spec syntax of the CLI's `--until`, with completion of kind names, functions,
 * labels and condition fields), the list — enable, edit in place (double-click or the pencil), remove, hit counts
 * over the whole run with the previous / next hit from the cursor — the located message under a spec the engine
 * refused (the column marked), and continue / reverse continue. The store keeps the list and syncs it to the host.
 */
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useDebugger, type UiBreakpoint } from '../../state/store';
import { useLatestView } from '../timeline/use-latest-view';
import { accept, complete, type Completion, type Vocabulary } from './completion';
import './breakpoints.css';

export function BreakpointsPanel() {
  const { t } = useTranslation('breakpoints');
  const run = useDebugger((s) => s.run);
  const list = useDebugger((s) => s.breakpoints);
  const status = useDebugger((s) => s.status);
  const step = useDebugger((s) => s.step);
  const addBreakpoint = useDebugger((s) => s.addBreakpoint);
  const fields = useLatestView<{ view: 'breakpointFields' }>(run ? { view: 'breakpointFields' } : null);
  const vocab = useMemo<Vocabulary>(() => ({ kinds: run ? ['*', ...run.kinds] : [], functions: run?.functions ?? {}, fields }), [run, fields]);

  if (!run) return <div className="panel-empty">{t('empty')}</div>;
  const ready = status === 'ready';
  return (
    <div className="panel breakpoints-panel">
      <SpecInput
        vocab={vocab}
        initial=""
        label={t('addLabel')}
        placeholder={t('placeholder')}
        onCommit={(spec) => {
          if (spec.trim()) void addBreakpoint(spec);
          return true;
        }}
        submitLabel={t('add')}
        clearOnCommit
      />
      <p className="bp-syntax">{t('syntax')}</p>
      {list.length === 0 ? <p className="bp-none">{t('none')}</p> : (
        <ul className="bp-list">
          {list.map((b) => (
            <BreakpointRow key={b.id} bp={b} vocab={vocab} />
          ))}
        </ul>
      )}
      <div className="bp-actions">
        <button type="button" data-action="bp-reverse-continue" disabled={!ready} onClick={() => void step('continue', 'backward')} title={t('reverseContinue')}>
          ◀◀ {t('reverseShort')}
        </button>
        <button type="button" data-action="bp-continue" disabled={!ready} onClick={() => void step('continue', 'forward')} title={t('continue')}>
          {t('continueShort')} ▶▶
        </button>
      </div>
    </div>
  );
}

function BreakpointRow({ bp, vocab }: { bp: UiBreakpoint; vocab: Vocabulary }) {
  const { t } = useTranslation('breakpoints');
  const update = useDebugger((s) => s.updateBreakpoint);
  const remove = useDebugger((s) => s.removeBreakpoint);
  const seek = useDebugger((s) => s.seek);
  const cursor = useDebugger((s) => s.state?.step ?? 0);
  const stop = useDebugger((s) => s.lastStop);
  const [editing, setEditing] = useState(false);
  const st = bp.status;
  const stoppedHere = stop?.reason === 'breakpoint' && stop.breakpoint === bp.id;
  const hitSteps = st?.ok ? st.hitSteps : [];
  const next = hitSteps.find((s) => s > cursor);
  let prev: number | undefined;
  for (const s of hitSteps) if (s < cursor) prev = s;
  const cls = ['bp', st && !st.ok ? 'bp-error' : '', bp.enabled ? '' : 'bp-disabled', stoppedHere ? 'bp-stopped' : ''].filter(Boolean).join(' ');
  return (
    <li className={cls} data-bp={bp.id}>
      <div className="bp-main">
        <input type="checkbox" checked={bp.enabled} onChange={(e) => void update(bp.id, { enabled: e.target.checked })} aria-label={t('enabled')} title={t('enabled')} />
        {editing ? (
          <SpecInput
            vocab={vocab}
            initial={bp.spec}
            label={t('editLabel')}
            autoFocus
            onCommit={(spec) => {
              setEditing(false);
              if (spec.trim() && spec !== bp.spec) void update(bp.id, { spec: spec.trim() });
              return true;
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <button type="button" className="bp-spec" onDoubleClick={() => setEditing(true)} title={t('edit')}>
            {st && !st.ok && st.error ? <MarkedSpec spec={bp.spec} column={st.error.column} /> : <code>{bp.spec}</code>}
          </button>
        )}
        <span className="bp-tools">
          {!editing && (
            <button type="button" className="bp-icon" onClick={() => setEditing(true)} aria-label={t('edit')} title={t('edit')}>
              ✎
            </button>
          )}
          <span className="bp-hits" data-testid="bp-hits">
            {!st ? t('checking') : st.ok ? t('hits', { count: st.hitCount }) : ''}
          </span>
          <button type="button" className="bp-icon" disabled={prev === undefined} onClick={() => prev !== undefined && seek(prev)} aria-label={t('prevHit')} title={t('prevHit')}>
            ‹
          </button>
          <button type="button" className="bp-icon" disabled={next === undefined} onClick={() => next !== undefined && seek(next)} aria-label={t('nextHit')} title={t('nextHit')}>
            ›
          </button>
          <button type="button" className="bp-icon bp-remove" onClick={() => void remove(bp.id)} aria-label={t('remove')} title={t('remove')}>
            ✕
          </button>
        </span>
      </div>
      {stoppedHere && <div className="bp-stop-note">{t('stoppedHere')}</div>}
      {st && !st.ok && st.error && (
        <div className="bp-located" role="alert">
          <span className="bp-col">{t('errorAt', { column: st.error.column })}</span> {st.error.message}
        </div>
      )}
    </li>
  );
}

/** A spec with the character at `column` (1-based) marked: where the engine's message points. */
function MarkedSpec({ spec, column }: { spec: string; column: number }) {
  const at = Math.max(0, Math.min(spec.length, column - 1));
  return (
    <code data-column={column}>
      {spec.slice(0, at)}
      <mark>{spec.slice(at, at + 1) || '\u00a0'}</mark>
      {spec.slice(at + 1)}
    </code>
  );
}

/** A spec box with a suggestion list under it: ↑/↓ choose, Tab or Enter takes one, Enter alone commits, Esc leaves. */
function SpecInput({
  vocab,
  initial,
  label,
  placeholder,
  onCommit,
  onCancel,
  submitLabel,
  clearOnCommit,
  autoFocus,
}: {
  vocab: Vocabulary;
  initial: string;
  label: string;
  placeholder?: string;
  onCommit: (spec: string) => boolean;
  onCancel?: () => void;
  submitLabel?: string;
  clearOnCommit?: boolean;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation('breakpoints');
  const [text, setText] = useState(initial);
  const [caret, setCaret] = useState(initial.length);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const pendingCaret = useRef<number | null>(null);

  const completion: Completion = useMemo(() => complete(text, caret, vocab), [text, caret, vocab]);
  const showList = open && completion.items.length > 0 && text.trim().length > 0;
  /** An edit box commits once (Enter, then the blur of its unmounting, must not both). */
  const done = useRef(false);

  useEffect(() => {
    if (pendingCaret.current !== null && input.current) {
      input.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = null;
    }
  }, [text]);

  const take = (index: number) => {
    const s = completion.items[index];
    if (!s) return;
    const r = accept(text, completion, s);
    setText(r.text);
    setCaret(r.caret);
    pendingCaret.current = r.caret;
    setActive(-1);
  };
  const commit = () => {
    if (done.current) return;
    if (!clearOnCommit) done.current = true;
    if (onCommit(text) && clearOnCommit) {
      setText('');
      setCaret(0);
    }
    setOpen(false);
  };
  const onKeyDown = (e: ReactKeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && showList) {
      setActive((a) => (a + 1) % completion.items.length);
      e.preventDefault();
    } else if (e.key === 'ArrowUp' && showList) {
      setActive((a) => (a <= 0 ? completion.items.length - 1 : a - 1));
      e.preventDefault();
    } else if (e.key === 'Tab' && showList) {
      take(active >= 0 ? active : 0);
      e.preventDefault();
    } else if (e.key === 'Enter') {
      if (showList && active >= 0) take(active);
      else commit();
      e.preventDefault();
    } else if (e.key === 'Escape') {
      if (showList) setOpen(false);
      else if (onCancel) {
        done.current = true;
        onCancel();
      }
      e.preventDefault();
    }
  };
  const listId = useId();

  return (
    <div className="bp-input">
      <div className="bp-input-row">
        <input
          ref={input}
          type="text"
          value={text}
          spellCheck={false}
          autoComplete="off"
          aria-label={label}
          placeholder={placeholder}
          autoFocus={autoFocus}
          role="combobox"
          aria-expanded={showList}
          aria-controls={listId}
          aria-autocomplete="list"
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart ?? e.target.value.length);
            setActive(-1);
            setOpen(true);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? text.length)}
          onKeyDown={onKeyDown}
          onBlur={() => {
            setOpen(false);
            if (onCancel) commit();
          }}
        />
        {submitLabel && (
          <button type="button" onClick={commit} disabled={!text.trim()}>
            {submitLabel}
          </button>
        )}
      </div>
      {showList && (
        <ul className="bp-suggestions" id={listId} role="listbox" aria-label={t('suggestions')}>
          {completion.items.map((s, i) => (
            <li
              key={`${s.hint}-${s.text}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                take(i);
              }}
            >
              <code>{s.text}</code> <span className="bp-hint">{t(`${s.hint}Hint`)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
