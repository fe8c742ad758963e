/**
 * The inspector: whatever was picked last — an object selected in a panel (a page, a radix node, a va_block, a chunk,
 * a page table) or a transition picked in the narration or the timeline — with its fields at the cursor, a button
 * that adds a breakpoint stopping whenever it changes, and its whole history, every transition that changed it
 * (virtualised: a hot object has thousands), each a click away from its step. For a transition, "why did this
 * happen?": its cause chain (the call stack that made it, the scenario step, the earlier state it replaced), each
 * link a step to go to.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ObjectRef, ObjectResult, TransitionInfo, WhyResult } from '../../../protocol';
import { useDebugger } from '../../state/store';
import { useView } from '../../state/use-view';
import { useHistory } from './use-history';
import './inspector.css';

const ROW_H = 22;

export function InspectorPanel() {
  const { t } = useTranslation('inspector');
  const run = useDebugger((s) => s.run);
  const selection = useDebugger((s) => s.selection);
  const picked = useDebugger((s) => s.selectedTransition);
  const selectTransition = useDebugger((s) => s.selectTransition);
  // whichever was picked last wins: a selected object, or a transition
  const [showTransition, setShowTransition] = useState(false);
  useEffect(() => {
    setShowTransition(picked !== null);
  }, [picked]);
  useEffect(() => {
    setShowTransition(false);
  }, [selection]);

  const ref: ObjectRef | null = useMemo(() => {
    if (picked !== null && (showTransition || !selection)) return { kind: 'transition', transition: picked };
    return selection;
  }, [picked, showTransition, selection]);

  if (!run) return <div className="panel-empty">{t('empty')}</div>;
  if (!ref) return <div className="panel-empty">{t('nothing')}</div>;
  const backTo = ref.kind === 'transition' && selection ? selection : null;
  return <ObjectView key={JSON.stringify(ref)} objectRef={ref} backTo={backTo} onBack={() => selectTransition(null)} />;
}

function ObjectView({ objectRef, backTo, onBack }: { objectRef: ObjectRef; backTo: ObjectRef | null; onBack(): void }) {
  const { t } = useTranslation('inspector');
  const { data, error } = useView({ view: 'object', ref: objectRef, limit: 0 });
  const back = useView(backTo ? { view: 'object', ref: backTo, limit: 0 } : null);
  if (error && !data) return <div className="panel-empty inspector-error">{t('error', { message: error })}</div>;
  if (!data) return <div className="panel-empty">{t('loading')}</div>;
  return (
    <div className="panel inspector-panel" data-testid="inspector">
      {backTo && (
        <button type="button" className="inspector-back" onClick={onBack}>
          {t('back', { title: back.data?.title ?? '…' })}
        </button>
      )}
      <h2 className="inspector-title" data-testid="inspector-title">
        {data.title}
      </h2>
      <WatchButton spec={data.watchSpec} />
      <h3>{t('fields')}</h3>
      <dl className="inspector-fields" data-testid="inspector-fields">
        {data.fields.map((f, i) => (
          <div key={`${f.name}:${i}`} className="inspector-field">
            <dt>{f.name}</dt>
            <dd>{f.value}</dd>
          </div>
        ))}
      </dl>
      {objectRef.kind === 'transition' && <Why transition={objectRef.transition} />}
      <History objectRef={objectRef} data={data} />
    </div>
  );
}

function WatchButton({ spec }: { spec: string | undefined }) {
  const { t } = useTranslation('inspector');
  const breakpoints = useDebugger((s) => s.breakpoints);
  const addBreakpoint = useDebugger((s) => s.addBreakpoint);
  const [added, setAdded] = useState(false);
  if (!spec) return <p className="inspector-nowatch">{t('noWatch')}</p>;
  const existing = breakpoints.find((b) => b.spec === spec || b.status?.canonical === spec);
  return (
    <div className="inspector-watch">
      <button
        type="button"
        data-testid="inspector-watch"
        disabled={!!existing}
        title={existing ? t('watchingHint', { spec }) : t('watchHint', { spec })}
        onClick={() => {
          setAdded(true);
          void addBreakpoint(spec);
        }}
      >
        {existing ? `● ${t('watching')}` : `● ${t('watch')}`}
      </button>
      {added && existing?.status && (
        <span className={existing.status.ok ? 'inspector-watch-ok' : 'inspector-error'} data-testid="inspector-watch-status">
          {existing.status.ok ? t('watchAdded', { count: existing.status.hitCount }) : t('watchRefused', { message: existing.status.error?.message ?? '' })}
        </span>
      )}
      <code className="inspector-spec">{spec}</code>
    </div>
  );
}

function Why({ transition }: { transition: number }) {
  const { t } = useTranslation('inspector');
  const seek = useDebugger((s) => s.seek);
  const selectTransition = useDebugger((s) => s.selectTransition);
  const { data } = useView({ view: 'why', transition });
  const why = data as WhyResult | null;
  return (
    <section className="inspector-why" data-testid="inspector-why">
      <h3>{t('whyTitle')}</h3>
      {why && why.causes.length === 0 && <p className="dim">{t('whyNone')}</p>}
      {why && why.chain.length > 1 && (
        <div className="inspector-chain" data-testid="inspector-chain">
          <h4 title={t('chainHint')}>{t('chainTitle')}</h4>
          <ol>
            {why.chain.map((c) => (
              <li key={c.transition} data-relation={c.relation}>
                {c.relation !== 'start' && <span className="inspector-relation">{t(`chain.${c.relation}`)} </span>}
                <button type="button" className="inspector-cause" onClick={() => seek(c.step)} title={t('causeHint', { step: c.step })}>
                  <span className="inspector-step">{c.step}</span> {c.text}
                </button>
              </li>
            ))}
          </ol>
        </div>
      )}
      <ol>
        {why?.causes.map((c, i) => (
          <li key={i}>
            <button type="button" className="inspector-cause" onClick={() => seek(c.step)} title={t('causeHint', { step: c.step })}>
              <span className="inspector-step">{c.step}</span> {c.text}
            </button>
            {c.transition !== null && c.transition !== transition && (
              <button type="button" className="inspector-mini" onClick={() => selectTransition(c.transition)} title={t('causeInspectHint')}>
                {t('causeInspect')}
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function History({ objectRef, data }: { objectRef: ObjectRef; data: ObjectResult }) {
  const { t } = useTranslation('inspector');
  const seek = useDebugger((s) => s.seek);
  const selectTransition = useDebugger((s) => s.selectTransition);
  const cursor = useDebugger((s) => s.state?.step ?? 0);
  const pages = useHistory(objectRef);
  const scroller = useRef<HTMLDivElement>(null);
  const total = data.historyTotal;
  const now = data.historyAtCursor;
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_H, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total) pages.want(first, last);
  }, [first, last, total, pages]);

  // a new object: start where the cursor is in its history
  const scrolled = useRef(false);
  useEffect(() => {
    if (scrolled.current || !total || !scroller.current?.clientHeight) return;
    const frame = requestAnimationFrame(() => {
      scrolled.current = true;
      virtualizer.scrollToIndex(Math.max(0, now - 1), { align: 'center' });
    });
    return () => {
      cancelAnimationFrame(frame);
    };
  }, [total, now, virtualizer]);

  return (
    <section className="inspector-history">
      <div className="inspector-history-head">
        <h3 data-testid="inspector-history-count">{total ? t('history', { count: total }) : t('historyNone')}</h3>
        {total > 0 && (
          <button type="button" className="inspector-mini" onClick={() => virtualizer.scrollToIndex(Math.max(0, now - 1), { align: 'center' })}>
            {t('toNow')}
          </button>
        )}
      </div>
      {total > 0 && <p className="dim inspector-history-hint">{t('historyHint')}</p>}
      <div className="inspector-history-list" ref={scroller} data-testid="inspector-history">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const e = pages.entry(item.index);
            const future = item.index >= now;
            return (
              <div
                key={item.key}
                className={`inspector-row${future ? ' future' : ''}${item.index === now - 1 ? ' latest' : ''}${item.index === now && now > 0 ? ' after-now' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_H }}
                data-index={item.index}
              >
                {e ? <HistoryRow entry={e} current={e.step === cursor} onSeek={() => seek(e.step)} onWhy={() => selectTransition(e.index)} /> : <span className="dim">{t('loadingRow')}</span>}
              </div>
            );
          })}
        </div>
      </div>
      {total > 0 && (
        <p className="dim inspector-now" data-testid="inspector-now">
          {t('now', { step: cursor, done: now, total })}
        </p>
      )}
    </section>
  );
}

function HistoryRow({ entry, current, onSeek, onWhy }: { entry: TransitionInfo; current: boolean; onSeek(): void; onWhy(): void }) {
  const { t } = useTranslation('inspector');
  return (
    <>
      <button type="button" className={`inspector-entry${current ? ' current' : ''}`} onClick={onSeek} title={t('rowHint', { step: entry.step })} data-step={entry.step}>
        <span className="inspector-step">{entry.step}</span>
        <span className={`inspector-kind kind-${entry.type}`}>{entry.kind}</span>
        <span className="inspector-text">{entry.text}</span>
      </button>
      <button type="button" className="inspector-mini" onClick={onWhy} title={t('whyHint')}>
        {t('why')}
      </button>
    </>
  );
}
