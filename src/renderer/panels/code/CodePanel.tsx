/**
 * The kernel path: the pseudo-code of the function the cursor is in with its current line,
 * and the call stack. Clicking a frame shows that function at the line it was on (and
 * offers to go to that step).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDebugger } from '../../state/store';

export function CodePanel() {
  const { t } = useTranslation('code');
  const state = useDebugger((s) => s.state);
  const run = useDebugger((s) => s.run);
  const seek = useDebugger((s) => s.seek);
  const [frameIndex, setFrameIndex] = useState<number | null>(null);
  const current = useRef<HTMLLIElement>(null);
  const step = state?.step;
  useEffect(() => {
    setFrameIndex(null);
  }, [step]);
  useEffect(() => {
    current.current?.scrollIntoView({ block: 'nearest' });
  }, [step, frameIndex]);
  if (!state || !run) return <div className="panel-empty">{t('empty')}</div>;
  const stack = state.stack;
  const shown = frameIndex ?? stack.length - 1;
  const frame = stack[shown];
  const fn = frame ? run.functions[frame.function] : undefined;
  return (
    <div className="panel code-panel">
      {fn && frame ? (
        <>
          <div className="code-header">
            <span className="code-fn">{fn.name}</span> <span className="code-file">{fn.file}</span>
          </div>
          <ol className="code-lines" start={1}>
            {fn.lines.map((text, i) => (
              <li key={i} ref={i === frame.line ? current : undefined} className={i === frame.line ? (shown === stack.length - 1 ? 'current' : 'caller') : undefined} aria-current={i === frame.line ? 'true' : undefined}>
                <code>{text}</code>
              </li>
            ))}
          </ol>
        </>
      ) : (
        <div className="panel-empty">{t('noFrame')}</div>
      )}
      <h3>{t('callStack')}</h3>
      <ol className="call-stack" reversed>
        {[...stack].reverse().map((f, ri) => {
          const i = stack.length - 1 - ri;
          return (
            <li key={i} className={i === shown ? 'selected' : undefined}>
              <button type="button" onClick={() => setFrameIndex(i)} onDoubleClick={() => seek(f.step)} title={t('frameHint', { step: f.step })}>
                {f.function}: <code>{f.text}</code>
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
