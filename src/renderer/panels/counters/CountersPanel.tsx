/**
 * The counters at the cursor, named as CUPTI names them (`gpu_faults`, `htod_bytes`…), grouped by the part of the
 * model that counts them, each with a sparkline of its value from step 0 to the cursor and the simulated time on top.
 * Bytes and times are written for people; a counter the cursor's step changed shows by how much. Counters that stay 0
 * for the whole run are folded away (one click shows them).
 *
 * The sparklines come from the host's `series` view (sampled from a per-run table, no seeking), asked again as the
 * cursor moves; the whole run's series, asked once per run, says which counters ever move.
 */
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SeriesResult, TransitionInfo } from '../../../protocol';
import { useDebugger } from '../../state/store';
import { useView } from '../../state/use-view';
import { useLatestView } from '../timeline/use-latest-view';
import { formatCounter, formatNs, isByteCounter } from './format';
import './counters.css';

/** Samples per sparkline (about two per pixel of its width). */
const POINTS = 240;
type Group = 'uvm' | 'pagecache' | 'linux';
/** Groups in display order; a counter in neither list is the UVM driver's. */
const GROUPS: readonly Group[] = ['uvm', 'pagecache', 'linux'];
const GROUP_OF: Readonly<Record<string, Group>> = {
  ...Object.fromEntries(['page_cache_gpu_pages', 'maquire_invalidated', 'hmm_migrated_pages', 'hmm_device_faults', 'gdr_bytes'].map((n) => [n, 'pagecache'])),
  ...Object.fromEntries(['mm_faults', 'mm_major_faults', 'pagecache_hits', 'pagecache_misses', 'disk_reads', 'disk_writes', 'disk_read_bytes', 'disk_write_bytes'].map((n) => [n, 'linux'])),
};

function groupOf(name: string): Group {
  return Object.hasOwn(GROUP_OF, name) ? GROUP_OF[name] : 'uvm';
}

/** What the cursor's step added to each counter (from its `counter` transitions). */
function deltas(transitions: readonly TransitionInfo[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const tr of transitions) {
    if (tr.kind !== 'counter' || typeof tr.fields.counter !== 'string') continue;
    out.set(tr.fields.counter, (out.get(tr.fields.counter) ?? 0) + tr.after - tr.before);
  }
  return out;
}

export function CountersPanel() {
  const { t } = useTranslation('counters');
  const run = useDebugger((s) => s.run);
  const state = useDebugger((s) => s.state);
  const [showAll, setShowAll] = useState(false);
  const names = run?.counterNames ?? [];
  const cursor = state?.step ?? 0;
  const root = useRef<HTMLDivElement>(null);

  // once per run: which counters ever leave 0 (the query does not change with the cursor, the answer neither)
  const wholeRun = useLatestView<{ view: 'series'; points: number; counters: readonly string[] }>(run ? { view: 'series', points: 512, counters: names } : null);
  const upToCursor = useView<{ view: 'series'; points: number; counters: readonly string[]; fromStep: number; toStep: number }>(
    // in a background tab the charts wait (useView asks nothing for a hidden panel): no series per cursor move that nobody sees
    run ? { view: 'series', points: POINTS, counters: names, fromStep: 0, toStep: cursor } : null,
  );
  const moving = useMemo(() => {
    const set = new Set<string>();
    const s = wholeRun;
    if (s) for (const n of names) if (s.counters[n]?.some((v) => v !== 0)) set.add(n);
    return set;
  }, [wholeRun, names]);
  const changed = useMemo(() => deltas(state?.transitions ?? []), [state]);

  if (!run || !state)
    return (
      <div className="counters-root" ref={root}>
        <div className="panel-empty">{t('empty')}</div>
      </div>
    );
  const series = upToCursor.data;
  const known = wholeRun !== null;
  const listed = names.filter((n) => showAll || !known || moving.has(n) || state.counters[n] !== 0);
  const hidden = names.length - listed.length;

  return (
    <div className="counters-root" ref={root}>
      <div className="panel counters-panel">
        <table className="counters-table">
          <thead>
            <tr>
              <th>{t('name')}</th>
              <th className="num">{t('value')}</th>
              <th className="chart-head">{t('chart')}</th>
            </tr>
          </thead>
          <tbody>
            <tr className="counter-row sim-time">
              <th scope="row">{t('simTime')}</th>
              <td className="num" data-testid="counter-sim-time">
                {formatNs(state.simTimeNs)}
              </td>
              <td>
                <Sparkline name={t('simTime')} steps={series?.steps} values={series?.timeNs} format={formatNs} step={cursor} />
              </td>
            </tr>
            {GROUPS.map((g) => {
              const rows = listed.filter((n) => groupOf(n) === g);
              if (!rows.length) return null;
              return [
                <tr key={`g-${g}`} className="counter-group">
                  <th colSpan={3}>{t(`group.${g}`)}</th>
                </tr>,
                ...rows.map((n) => <CounterRow key={n} name={n} value={state.counters[n] ?? 0} delta={changed.get(n)} series={series} step={cursor} />),
              ];
            })}
          </tbody>
        </table>
        {hidden > 0 && (
          <button type="button" className="counters-more" onClick={() => setShowAll(true)}>
            {t('hidden', { count: hidden })} · {t('showAll')}
          </button>
        )}
      </div>
    </div>
  );
}

function CounterRow({ name, value, delta, series, step }: { name: string; value: number; delta: number | undefined; series: SeriesResult | null; step: number }) {
  const { t } = useTranslation('counters');
  const format = (v: number) => formatCounter(name, v);
  return (
    <tr className={`counter-row${delta ? ' changed' : ''}`} data-counter={name}>
      <th scope="row" title={t(`help.${name}`, { defaultValue: '' })}>
        <code>{name}</code>
      </th>
      <td className="num">
        <span className="counter-value">{format(value)}</span>
        {delta ? (
          <span className="counter-delta" title={t('changed')}>
            {delta > 0 ? '+' : '−'}
            {isByteCounter(name) ? format(Math.abs(delta)) : Math.abs(delta)}
          </span>
        ) : null}
      </td>
      <td>
        <Sparkline name={name} steps={series?.steps} values={series?.counters[name]} format={format} step={step} />
      </td>
    </tr>
  );
}

const W = 150;
const H = 22;

/** A line of `values` over `steps` (0 to the cursor), scaled to its own range, with a dot at the cursor's value. */
function Sparkline({ name, steps, values, format, step }: { name: string; steps: Uint32Array | undefined; values: Float64Array | undefined; format: (v: number) => string; step: number }) {
  const { t } = useTranslation('counters');
  if (!steps || !values || values.length === 0) return <svg className="sparkline" width={W} height={H} aria-hidden="true" />;
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const first = steps[0];
  const last = steps[steps.length - 1];
  const sx = (s: number) => (last > first ? ((s - first) / (last - first)) * (W - 4) + 1 : W - 3);
  const sy = (v: number) => (hi > lo ? H - 2 - ((v - lo) / (hi - lo)) * (H - 5) : H - 2);
  let d = '';
  for (let i = 0; i < values.length; i++) d += `${i ? 'L' : 'M'}${sx(steps[i]).toFixed(1)},${sy(values[i]).toFixed(1)}`;
  const area = `${d}L${sx(last).toFixed(1)},${H - 1}L${sx(first).toFixed(1)},${H - 1}Z`;
  const end = values[values.length - 1];
  const label = t('chartLabel', { name, step, from: format(values[0]), to: format(end) });
  return (
    <svg className="sparkline" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <title>{label}</title>
      <path className="sparkline-area" d={area} />
      <path className="sparkline-line" d={d} />
      <circle className="sparkline-dot" cx={sx(last)} cy={sy(end)} r={2.2} />
    </svg>
  );
}
