/**
 * A real capture beside the model (issue 7): the machine it was made on, the counters model against real GPU with
 * every difference marked in colour and in words, the transfer-size histograms side by side, and the scenario's steps
 * in columns — the real GPU's records by wall time on top, the model's copies by simulated time below — so step N
 * lines up in both; clicking a step moves the model's cursor to its start. Everything else in the app shows the
 * model's side (the loaded run is the scenario as the capture ran it).
 */
import { useTranslation } from 'react-i18next';
import type { CaptureComparisonView, CaptureCounterRow } from '../../../protocol';
import { useDebugger } from '../../state/store';
import { formatBytes, formatCount, formatNs } from '../counters/format';
import { SizeHistogram } from './SizeHistogram';
import { StepTimeline } from './StepTimeline';
import './capture.css';

export function formatValue(name: string, v: number): string {
  if (name.endsWith('_bytes')) return formatBytes(v);
  if (name.endsWith('_ns')) return formatNs(v);
  return formatCount(v);
}

function formatDiff(name: string, d: number): string {
  if (d === 0) return '0';
  return `${d > 0 ? '+' : '−'}${formatValue(name, Math.abs(d))}`;
}

function cudaVersion(v: number): string {
  return `${Math.floor(v / 1000)}.${Math.round((v % 1000) / 10)}`;
}

export function markOf(ok: boolean | null): 'ok' | 'differs' | 'unchecked' {
  return ok === null ? 'unchecked' : ok ? 'ok' : 'differs';
}

function MachineLine({ c }: { c: CaptureComparisonView }) {
  const { t } = useTranslation('capture');
  const m = c.machine;
  const [gen, , width] = m.pcie.split(',').map((x) => x.trim());
  const link = m.link === 'nvlink-c2c' ? t('link.nvlink-c2c') : t('link.pcie', { gen: gen || '?', width: width || '?' });
  return (
    <p className="capture-machine" data-testid="capture-machine">
      {t('machine', { gpu: m.gpu, driver: m.driverVersion || '?', cuda: cudaVersion(m.cudaDriverVersion), runtime: cudaVersion(m.cudaRuntimeVersion), link })}
      <span className="capture-date">{t('captured', { date: c.date })}</span>
    </p>
  );
}

function CounterTable({ rows }: { rows: readonly CaptureCounterRow[] }) {
  const { t } = useTranslation('capture');
  return (
    <table className="capture-counters">
      <thead>
        <tr>
          <th>{t('col.counter')}</th>
          <th>{t('col.cls')}</th>
          <th className="num">{t('col.model')}</th>
          <th className="num">{t('col.real')}</th>
          <th className="num">{t('col.diff')}</th>
          <th>{t('col.check')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const mark = markOf(r.ok);
          return (
            <tr key={r.name} className={`capture-counter ${mark}`} data-counter={r.name} data-mark={mark}>
              <th>
                <code>{r.name}</code>
              </th>
              <td className="capture-cls" title={t(`clsHelp.${r.cls}`)}>
                {t(`cls.${r.cls}`)}
              </td>
              <td className="num">{formatValue(r.name, r.model)}</td>
              <td className="num">{formatValue(r.name, r.real)}</td>
              <td className="num">{formatDiff(r.name, r.diff)}</td>
              <td className="capture-mark">{t(`mark.${mark}`)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function StepTable({ c }: { c: CaptureComparisonView }) {
  const { t } = useTranslation('capture');
  const seek = useDebugger((s) => s.seek);
  const op = useDebugger((s) => s.state?.op ?? -1);
  const rows = c.steps.filter((s) => s.captured);
  const pair = (name: string, m: number, r: number) => `${formatValue(name, m)} / ${formatValue(name, r)}`;
  return (
    <table className="capture-steps">
      <thead>
        <tr>
          <th>{t('stepCol.step')}</th>
          <th>{t('stepCol.op')}</th>
          <th className="num">{t('stepCol.htod')}</th>
          <th className="num">{t('stepCol.dtoh')}</th>
          <th className="num">{t('stepCol.faults')}</th>
          <th>{t('stepCol.check')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => {
          const mark = s.differs.length ? 'differs' : 'ok';
          return (
            <tr key={s.step} className={`capture-step-row ${mark}${s.step === op ? ' current' : ''}`} data-step={s.step}>
              <td>
                <button type="button" className="link-button" disabled={s.firstStep < 0} onClick={() => seek(s.firstStep)} title={t('goTo', { step: s.step })}>
                  {s.step}
                </button>
              </td>
              <td>
                <code>{s.op}</code>
              </td>
              <td className="num">{pair('htod_bytes', s.model.htod_bytes, s.real.htod_bytes)}</td>
              <td className="num">{pair('dtoh_bytes', s.model.dtoh_bytes, s.real.dtoh_bytes)}</td>
              <td className="num">{pair('cpu_faults', s.model.cpu_faults, s.real.cpu_faults)}</td>
              <td className="capture-mark" title={s.differs.length ? t('stepDiffers', { step: s.step, op: s.op, counters: s.differs.join(', ') }) : undefined}>
                {t(`mark.${mark}`)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function CapturePanel() {
  const { t } = useTranslation('capture');
  const c = useDebugger((s) => s.capture);
  if (!c)
    return (
      <div className="panel capture-panel">
        <div className="panel-empty">{t('empty')}</div>
      </div>
    );
  const differing = c.counters.filter((r) => r.ok === false).length;
  const shown = c.histograms.filter((h) => h.sizes.length > 0);
  return (
    <div className="panel capture-panel" data-testid="capture-panel">
      <h2 className="capture-title">{t('title', { file: c.fileName, scenario: c.scenario })}</h2>
      <MachineLine c={c} />
      <p className={`capture-verdict ${c.ok ? 'ok' : 'differs'}`} data-testid="capture-verdict">
        {c.ok ? t('verdict.ok') : t('verdict.differs', { count: differing })}
      </p>
      {c.dropped > 0 && <p className="capture-warning">{t('dropped', { count: c.dropped })}</p>}
      {c.changes.length > 0 && (
        <details className="capture-changes">
          <summary>{t('changes')}</summary>
          <ul>
            {c.changes.map((ch) => (
              <li key={ch}>
                <code>{ch}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
      <h3>{t('timeline')}</h3>
      <p className="capture-help">{t('timelineHelp')}</p>
      <StepTimeline c={c} />
      <h3>{t('counters')}</h3>
      <CounterTable rows={c.counters} />
      <h3>{t('histograms')}</h3>
      <div className="capture-legend">
        <span className="swatch model" />
        {t('legend.model')}
        <span className="swatch real" />
        {t('legend.real')}
      </div>
      {shown.length === 0 ? (
        <p className="capture-help">{t('noTransfers')}</p>
      ) : (
        <div className="capture-histograms">
          {shown.map((h) => (
            <SizeHistogram key={h.name} h={h} />
          ))}
        </div>
      )}
      <h3>{t('steps')}</h3>
      <StepTable c={c} />
    </div>
  );
}
