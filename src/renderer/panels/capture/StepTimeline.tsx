/**
 * The scenario's steps side by side: one column per step that did something on either side (wider for busier steps),
 * the real GPU's records by wall time within the step on top (copies above, faults and the driver's other events as
 * ticks below), the model's copies by simulated time within the step underneath. The two clocks differ (the real one
 * includes the CPU's own work and the kernels' compute), so each column has its own scale on each side: what lines up
 * is the step. A step whose exact counters differ is marked; the cursor's step is highlighted; clicking a column (or
 * its button) moves the model's cursor to the step's start.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaptureComparisonView } from '../../../protocol';
import { useDebugger } from '../../state/store';
import { useResize } from '../../state/use-resize';
import { OKABE_ITO } from '../../theme/palette';
import { formatNs } from '../counters/format';

const ROW = 44;
const GAP = 8;
const HEIGHT = ROW * 2 + GAP;

/** Colours by record kind (the legend says them in words). */
const KIND_COLOURS: Readonly<Record<string, string>> = {
  htod: OKABE_ITO.green,
  dtoh: OKABE_ITO.orange,
  dtod: OKABE_ITO.purple,
  cpu_page_fault: OKABE_ITO.vermillion,
  gpu_page_fault: OKABE_ITO.skyBlue,
  thrashing: OKABE_ITO.yellow,
  throttling: '#f7f3b0',
  remote_map: '#b8b8b8',
};
const DIR_KINDS = ['htod', 'dtoh', 'dtod'] as const;

interface Column {
  step: number;
  op: string;
  firstStep: number;
  differs: readonly string[];
  /** Record indices (real) and copy indices (model) in this column. */
  real: number[];
  model: number[];
  realFrom: number;
  realTo: number;
  modelFrom: number;
  modelTo: number;
  weight: number;
}

function columnsOf(c: CaptureComparisonView): Column[] {
  const byStep = new Map<number, Column>();
  for (const s of c.steps) {
    byStep.set(s.step, { step: s.step, op: s.op, firstStep: s.firstStep, differs: s.differs, real: [], model: [], realFrom: s.realStart, realTo: s.realEnd, modelFrom: s.modelStart, modelTo: s.modelEnd, weight: 1 });
  }
  const r = c.records;
  for (let i = 0; i < r.count; i++) {
    const col = byStep.get(r.step[i]);
    if (!col) continue;
    col.real.push(i);
    col.realTo = Math.max(col.realTo, r.end[i] >= 0 ? r.end[i] : r.start[i]);
  }
  const m = c.modelCopies;
  for (let i = 0; i < m.count; i++) byStep.get(m.op[i])?.model.push(i);
  const captured = new Set(c.steps.filter((s) => s.captured).map((s) => s.step));
  const cols = [...byStep.values()].filter((col) => col.real.length > 0 || col.model.length > 0 || (captured.has(col.step) && col.op !== 'note' && col.op !== 'bookmark'));
  for (const col of cols) col.weight = 1 + Math.min(3, Math.log10(1 + col.real.length + col.model.length));
  return cols;
}

export function StepTimeline({ c }: { c: CaptureComparisonView }) {
  const { t } = useTranslation('capture');
  const seek = useDebugger((s) => s.seek);
  const op = useDebugger((s) => s.state?.op ?? -1);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const cols = useMemo(() => columnsOf(c), [c]);
  const total = cols.reduce((n, col) => n + col.weight, 0) || 1;
  const edges = useMemo(() => {
    const out: number[] = [0];
    let acc = 0;
    for (const col of cols) out.push(((acc += col.weight) / total) * width);
    return out;
  }, [cols, total, width]);

  const body = useRef<HTMLDivElement>(null);
  useResize(body, (el) => setWidth(Math.floor(el.clientWidth)), []);

  // drawn again whenever the data, the width or the cursor's step changes
  useEffect(() => {
    if (canvas.current && width > 0) draw(canvas.current, c, cols, edges, width, op);
  }, [c, cols, edges, width, op]);

  const columnAt = (x: number) => {
    for (let i = 0; i < cols.length; i++) if (x < edges[i + 1]) return cols[i];
    return cols[cols.length - 1];
  };

  return (
    <div className="capture-timeline">
      <div className="capture-timeline-labels">
        <span className="capture-row-label head" />
        <span className="capture-row-label">{t('row.real')}</span>
        <span className="capture-row-label">{t('row.model')}</span>
      </div>
      <div className="capture-timeline-body" ref={body}>
        <div className="capture-step-buttons">
          {cols.map((col) => {
            const realNs = col.realTo - col.realFrom;
            const modelNs = col.modelTo - col.modelFrom;
            return (
              <button
                key={col.step}
                type="button"
                className={`capture-step${col.step === op ? ' current' : ''}${col.differs.length ? ' differs' : ''}`}
                style={{ flexGrow: col.weight }}
                data-step={col.step}
                disabled={col.firstStep < 0}
                aria-label={t('stepLabel', { step: col.step, op: col.op })}
                title={
                  col.differs.length
                    ? t('stepDiffers', { step: col.step, op: col.op, counters: col.differs.join(', ') })
                    : t('stepTitle', { step: col.step, op: col.op, real: formatNs(realNs), model: formatNs(modelNs) })
                }
                onClick={() => seek(col.firstStep)}
              >
                {col.step}
                {col.differs.length > 0 && <span className="capture-step-mark">{'≠'}</span>}
              </button>
            );
          })}
        </div>
        <canvas
          ref={canvas}
          className="capture-timeline-canvas"
          height={HEIGHT}
          onClick={(e) => {
            const col = columnAt(e.nativeEvent.offsetX);
            if (col && col.firstStep >= 0) seek(col.firstStep);
          }}
        />
      </div>
      <div className="capture-kinds">
        {c.records.kinds.map((k) => (
          <span key={k} className="capture-kind">
            <span className="swatch" style={{ background: KIND_COLOURS[k] ?? '#888' }} />
            {t(`kind.${k}`)}
          </span>
        ))}
      </div>
    </div>
  );
}

function draw(el: HTMLCanvasElement, c: CaptureComparisonView, cols: readonly Column[], edges: readonly number[], width: number, op: number): void {
  const dpr = window.devicePixelRatio || 1;
  el.width = Math.floor(width * dpr);
  el.height = Math.floor(HEIGHT * dpr);
  el.style.width = `${width}px`;
  el.style.height = `${HEIGHT}px`;
  const g = el.getContext('2d');
  if (!g) return;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, width, HEIGHT);
  const r = c.records;
  const m = c.modelCopies;
  const kinds = r.kinds;
  cols.forEach((col, i) => {
    const x0 = edges[i];
    const x1 = edges[i + 1];
    const w = Math.max(1, x1 - x0 - 2);
    // column background: alternate shades, the cursor's step highlighted, a differing step outlined
    g.fillStyle = col.step === op ? '#3a3420' : i % 2 ? '#20242c' : '#242932';
    g.fillRect(x0 + 1, 0, w, ROW);
    g.fillRect(x0 + 1, ROW + GAP, w, ROW);
    if (col.differs.length) {
      g.strokeStyle = OKABE_ITO.vermillion;
      g.lineWidth = 2;
      g.strokeRect(x0 + 2, 1, w - 2, HEIGHT - 2);
    }
    const realSpan = Math.max(1, col.realTo - col.realFrom);
    const rx = (tNs: number) => x0 + 1 + ((tNs - col.realFrom) / realSpan) * w;
    for (const k of col.real) {
      const kind = kinds[r.kind[k]];
      g.fillStyle = KIND_COLOURS[kind] ?? '#888';
      const a = rx(r.start[k]);
      if ((DIR_KINDS as readonly string[]).includes(kind)) {
        const b = r.end[k] >= 0 ? rx(r.end[k]) : a + 1;
        const lane = DIR_KINDS.indexOf(kind as (typeof DIR_KINDS)[number]);
        g.fillRect(a, 3 + lane * 7, Math.max(1.5, b - a), 6);
      } else {
        g.fillRect(a, 25, 1.5, ROW - 28);
      }
    }
    const modelSpan = col.modelTo - col.modelFrom;
    for (const k of col.model) {
      g.fillStyle = KIND_COLOURS[DIR_KINDS[m.dir[k]]];
      const a = modelSpan > 0 ? x0 + 1 + ((m.start[k] - col.modelFrom) / modelSpan) * w : x0 + 1 + w / 2;
      const b = modelSpan > 0 ? x0 + 1 + ((m.end[k] - col.modelFrom) / modelSpan) * w : a + 1;
      g.fillRect(a, ROW + GAP + 3 + m.dir[k] * 7, Math.max(1.5, b - a), 6);
    }
  });
}
