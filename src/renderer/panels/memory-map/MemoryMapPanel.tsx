/**
 * The memory map: every page of every region, from the CPU's virtual mapping through the page cache and each GPU's
 * page tree down to the physical memory that holds it (sysmem, each GPU's vidmem). Each region is drawn as lines of
 * pages; a line stacks one lane per layer (lanes.ts), so one column is one page seen from top to bottom. The
 * cursor's step is shown as it happens: a migrating page travels from its source lane to its destination, a lost
 * mapping or an evicted page fades, and the pages it changed keep a yellow outline.
 *
 * Big runs stay smooth: pages aggregate into cells when they do not fit (the legend says how many per cell), the
 * wheel zooms and a drag pans, and the canvas is redrawn only when something changed (renderer.ts).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemoryMapResult } from '../../../protocol';
import { useDebugger } from '../../state/store';
import { useMemoryMap } from './use-memory-map';
import { MemoryMapRenderer, type Labels } from './renderer';
import { lanesFor, type Lane, type LaneKind } from './lanes';
import { PAGES_PER_BLOCK, type Geometry, type Hit } from './layout';
import { formatBytes, formatVa } from './format';
import { PageTip } from './PageTip';
import { residentCounts, type ResidentCounts } from './summary';
import { STATE_COLOURS } from '../../theme/palette';
import './memory-map.css';
import { useResize } from '../../state/use-resize';
import { registerExportable } from '../../export/registry';
import { allMarked, paint, toggleCell, usePredict } from '../../state/predict';
import { answerLayers, SHAPE_GLYPH, targetShape, type AnswerTarget } from './answer';
import { targetColour } from './renderer';

export function MemoryMapPanel() {
  const { t } = useTranslation('memory');
  const run = useDebugger((s) => s.run);
  const selection = useDebugger((s) => s.selection);
  const select = useDebugger((s) => s.select);
  const { data, dirty, error, shown } = useMemoryMap(run !== null);
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const renderer = useRef<MemoryMapRenderer | null>(null);
  const shownStep = useRef<number | null>(null);
  const [geometry, setGeometry] = useState<{ perCell: number; perLine: number } | null>(null);
  const [hover, setHover] = useState<{ hit: Hit; x: number; y: number } | null>(null);
  /** The summary's last count, which the next step's is made from (reset with each run). */
  const counted = useRef<ResidentCounts | null>(null);

  const procName = useMemo(() => {
    const names = run?.processors.map((p) => p.name) ?? [];
    return (p: number) => names[p] ?? `proc ${p}`;
  }, [run]);

  const labels = useMemo(
    (): Labels => ({
      lane: (kind, proc) => t(`lane.${kind}`, { gpu: procName(proc) }),
      header: (region) =>
        t(region.blocks > 0 ? 'headerBlocks' : 'header', {
          kind: t(`kind.${region.kind}`, { defaultValue: region.kind }),
          size: formatBytes(region.pages * 4096),
          va: formatVa(region.va),
          count: region.blocks,
        }),
      lineLabel: (region, firstPage, blockStart) =>
        blockStart && region.firstBlock >= 0 ? t('block', { block: region.firstBlock + firstPage / PAGES_PER_BLOCK }) : t('offset', { offset: firstPage ? formatBytes(firstPage * 4096) : '0' }),
      laneKey: (names) => t('laneKey', { lanes: names.join(' · ') }),
    }),
    [t, procName],
  );

  // the renderer lives as long as the canvas
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const r = new MemoryMapRenderer(el, labels, {
      onHover: (hit, x, y) => setHover(hit && !hit.header ? { hit, x, y } : null),
      onSelect: (ref) => select(ref),
      onAnswerCell: (region, first, count) => toggleCell(region, first, count),
      onAnswerPaint: (region, first, count, on) => paint(region, first, count, on),
      isMarked: (region, first, count) => allMarked(region, first, count),
      onGeometry: (g: Geometry, scrollY: number) => {
        setGeometry((old) => (old && old.perCell === g.pagesPerCell && old.perLine === g.pagesPerLine ? old : { perCell: g.pagesPerCell, perLine: g.pagesPerLine }));
        el.dataset.pagesPerCell = String(g.pagesPerCell);
        el.dataset.pagesPerLine = String(g.pagesPerLine);
        el.dataset.scrollY = String(scrollY);
        // where things are drawn, for tests that read pixels (see test/e2e/memory-panels.test.ts)
        el.dataset.geometry = JSON.stringify({
          gutter: g.gutter,
          cellW: g.cellW,
          pagesPerLine: g.pagesPerLine,
          pagesPerCell: g.pagesPerCell,
          laneH: g.laneH,
          laneGap: g.laneGap,
          lineGap: g.lineGap,
          blockGap: g.blockGap,
          linesPerBlock: g.linesPerBlock,
          scrollY,
          regions: g.regions.map((r) => ({ index: r.data.region.index, name: r.data.region.name, top: r.top, headerH: r.headerH, lines: r.lines, lanes: r.data.lanes.map((l) => `${l.kind}:${l.proc}`) })),
        });
      },
    });
    renderer.current = r;
    return () => {
      r.destroy();
      renderer.current = null;
    };
    // made once per canvas: labels follow through setLabels below, select is the store's (stable)
  }, [select]);

  useEffect(() => {
    renderer.current?.setLabels(labels);
  }, [labels]);

  // File → Export: the canvas as shown (PNG, frames) and the same picture as vectors (SVG)
  useEffect(() => {
    return registerExportable('memoryMap', {
      canvas: () => canvas.current,
      size: () => renderer.current?.cssSize ?? { width: 0, height: 0 },
      drawVector: (ctx) => renderer.current?.drawVector(ctx),
      shownStep: () => (canvas.current?.dataset.step ? Number(canvas.current.dataset.step) : null),
      busy: () => renderer.current?.animating ?? false,
    });
  }, []);

  useResize(wrap, (el) => renderer.current?.setSize(el.clientWidth, el.clientHeight, window.devicePixelRatio || 1), []);

  // a new run: its first answer is no continuation of the last run's, whatever their steps
  useEffect(() => {
    renderer.current?.newRun();
    counted.current = null;
  }, [run]);

  useEffect(() => {
    const r = renderer.current;
    if (!r || !data) return;
    const animate = shownStep.current !== null && shownStep.current !== data.step;
    shownStep.current = data.step;
    r.setData(data, animate, dirty);
    shown(data);
    if (canvas.current) canvas.current.dataset.step = String(data.step);
    // (dirty and shown come with data: one state, a stable function)
  }, [data]);

  useEffect(() => {
    renderer.current?.setSelection(selection);
    if (selection?.kind === 'page') renderer.current?.reveal(selection.region, selection.page);
  }, [selection]);

  // predict mode: the learner's marks (or the grade's) drawn over the cells; clicks and drags mark while unchecked
  const question = usePredict((s) => s.question);
  const marks = usePredict((s) => s.marks);
  const grade = usePredict((s) => s.grade);
  const checking = usePredict((s) => s.checking);
  const answering = question !== null;
  // the marks' layers, built once per change of marks or grade: the map draws them, the hover card counts them
  const layers = useMemo(() => (question ? answerLayers(marks.values(), grade) : null), [question, marks, grade]);
  useEffect(() => {
    renderer.current?.setAnswer(layers, layers !== null && !grade && !checking);
  }, [layers, grade, checking]);

  const resident = useMemo(() => {
    if (!data) return null;
    const c = residentCounts(data, counted.current);
    counted.current = c;
    return c.counts;
  }, [data]);
  const changed = data ? data.regions.reduce((n, r) => n + r.changed.length, 0) : 0;
  return (
    <div className={`panel memory-map-panel${answering ? ' answering' : ''}`}>
      <div className="mm-bar">
        <div className="mm-zoom" role="group">
          <button type="button" onClick={() => renderer.current?.zoom(1, 0)} title={t('zoomOut')} aria-label={t('zoomOut')}>
            −
          </button>
          <button type="button" onClick={() => renderer.current?.zoom(-1, 0)} title={t('zoomIn')} aria-label={t('zoomIn')}>
            +
          </button>
          <button type="button" onClick={() => renderer.current?.fit()} title={t('fitHint')}>
            {t('fit')}
          </button>
        </div>
        {geometry && (
          <span className="mm-scale" data-testid="mm-scale">
            {t('cellPages', { count: geometry.perCell, bytes: formatBytes(geometry.perCell * 4096) })} · {t('linePages', { bytes: formatBytes(geometry.perLine * 4096) })}
          </span>
        )}
        <span className={`mm-changed${changed ? ' some' : ''}`} data-testid="mm-changed">
          {changed ? t('changed', { count: changed }) : t('unchanged')}
        </span>
      </div>
      {answering && <AnswerBanner graded={grade !== null} procName={procName} />}
      <div className="mm-canvas-wrap" ref={wrap}>
        <canvas ref={canvas} className={`mm-canvas${answering && !grade ? ' answering' : ''}`} tabIndex={answering && !grade ? 0 : -1} data-testid="memory-map-canvas" role="img" aria-label={answering && !grade ? t('predict:map.bannerHelp') : t('canvasLabel')} />
        {!run && <div className="mm-loading">{t('empty')}</div>}
        {error && <div className="mm-error">{t('error', { message: error })}</div>}
        {run && !data && !error && <div className="mm-loading">{t('loading')}</div>}
        {data && data.regions.length === 0 && <div className="mm-loading">{t('noRegions')}</div>}
      </div>
      {data && <Legend data={data} procName={procName} />}
      {data && resident && <Summary data={data} resident={resident} procName={procName} />}
      {hover && data && <PageTip hit={hover.hit} x={hover.x} y={hover.y} data={data} procName={procName} extra={layers ? <TipMarks hit={hover.hit} procName={procName} layers={layers} /> : null} />}
    </div>
  );
}

/** Predict mode's banner over the map: it is in answer mode, what the marks look like, and after the check the grade's signs. */
function AnswerBanner({ graded, procName }: { graded: boolean; procName: (p: number) => string }) {
  const { t, i18n } = useTranslation('predict');
  const locale = i18n.language.startsWith('zh') ? 'zh-CN' : 'en-US';
  const kind = usePredict((s) => s.question?.kind);
  const target = usePredict((s) => s.target);
  const grade = usePredict((s) => s.grade);
  const targetName = (x: AnswerTarget) => (typeof x === 'number' ? procName(x) : t(`target.${x}`));
  // the grade's lists stop at 100,000 marks each (the counts are whole): say when the map shows only part
  const partial = grade
    ? (['right', 'missed', 'wrong'] as const)
        .map((what) => {
          const list = what === 'right' ? grade.correct : grade[what];
          const total = what === 'right' ? grade.counts.correct : grade.counts[what];
          return { what, shown: list.length, total };
        })
        // wrong ones show whole when the right list is (answer.ts answerLayers)
        .filter((p) => p.shown < p.total && !(p.what === 'wrong' && grade.correct.length === grade.counts.correct))
    : [];
  const glyph = (x: AnswerTarget) => (
    <span className="mm-answer-glyph" style={{ color: targetColour(x) }} aria-hidden="true">
      {SHAPE_GLYPH[targetShape(x)]}
    </span>
  );
  return (
    <div className={`mm-answer${graded ? ' graded' : ''}`} data-testid="mm-answer-banner" role="status">
      <span className="mm-answer-badge">{t('label')}</span>
      {graded ? (
        <>
          <span className="mm-answer-text">{t('map.bannerGraded')}</span>
          <span className="mm-answer-key">
            <span className="mm-answer-right" aria-hidden="true">
              ✓
            </span>
            {t('map.right')}
          </span>
          <span className="mm-answer-key">
            <span className="mm-answer-missed" aria-hidden="true" />
            {t('map.missed')}
          </span>
          <span className="mm-answer-key">
            <span className="mm-answer-wrong" aria-hidden="true">
              ✗
            </span>
            {t('map.wrong')}
          </span>
          {partial.map((p) => (
            <span key={p.what} className="mm-answer-partial" data-testid="mm-answer-partial">
              {t('map.partial', { shown: p.shown.toLocaleString(locale), total: p.total.toLocaleString(locale), what: t(`map.${p.what}`) })}
            </span>
          ))}
        </>
      ) : (
        <>
          <span className="mm-answer-text" title={t('map.bannerHelp')}>
            {t('map.banner')}
          </span>
          {kind && (
            <span className="mm-answer-key">
              {glyph(target)}
              {t('map.legendMark')}: {targetName(target)}
            </span>
          )}
        </>
      )}
    </div>
  );
}

/** Predict mode's line in the hover card: the pages of the cell marked, by target; after the check, right, missed and wrong. */
function TipMarks({ hit, procName, layers }: { hit: Hit; procName: (p: number) => string; layers: ReturnType<typeof answerLayers> }) {
  const { t } = useTranslation('predict');
  const graded = usePredict((s) => s.grade !== null);
  if (hit.cell < 0 || hit.header) return null;
  const counts = new Map<string, number>();
  for (const l of layers) {
    if (l.region !== hit.region) continue;
    let n = 0;
    for (let p = hit.page; p < Math.min(l.bits.length, hit.page + hit.pages); p++) n += l.bits[p];
    if (!n) continue;
    const name = typeof l.target === 'number' ? procName(l.target) : t(`target.${l.target}`);
    const key = graded ? `${t(`map.${l.state}`)}: ${name}` : name;
    counts.set(key, (counts.get(key) ?? 0) + n);
  }
  const parts = [...counts].map(([k, n]) => t('map.tipItem', { what: k, count: n, pages: hit.pages }));
  return (
    <div className="mm-tip-marks" data-testid="mm-tip-marks">
      {t('map.tipTitle')}: {parts.length ? parts.join(' · ') : t('map.tipNone')}
    </div>
  );
}

/** Each lane of the run's regions with its colours, in the order the lanes are drawn. */
function Legend({ data, procName }: { data: MemoryMapResult; procName: (p: number) => string }) {
  const { t } = useTranslation('memory');
  const lanes = useMemo(() => {
    const seen = new Map<string, Lane>();
    const kinds = [...new Set(data.regions.map((r) => r.kind))];
    for (const kind of kinds) for (const l of lanesFor(kind, data.processors)) if (!seen.has(`${l.kind}:${l.proc}`)) seen.set(`${l.kind}:${l.proc}`, l);
    // one entry per lane kind: GPUs share their colours
    const byKind = new Map<LaneKind, Lane>();
    for (const l of seen.values()) if (!byKind.has(l.kind)) byKind.set(l.kind, l);
    const order: LaneKind[] = ['cpuMap', 'fileMap', 'cached', 'dirty', 'cpuDirty', 'onGpu', 'gpuMap', 'pteSize', 'sysmem', 'vidmem'];
    return [...byKind.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  }, [data.regions, data.processors]);
  const gpuName = (p: number) => (data.processors > 2 ? procName(p).replace(/\d+$/, 'N') : procName(p));
  const swatch = (c: string, label: string, key: string | number) => (
    <span key={key} className="mm-swatch-item">
      <span className="mm-swatch" style={{ background: c }} />
      {label}
    </span>
  );
  return (
    <details className="mm-legend" open>
      <summary>{t('legend.title')}</summary>
      <ul>
        {lanes.map((l) => (
          <li key={l.kind} title={t(`laneHint.${l.kind}`)}>
            <span className="mm-lane-name">{t(`lane.${l.kind}`, { gpu: l.proc ? gpuName(l.proc) : '' })}</span>
            {l.kind === 'gpuMap' ? (
              // hue: where the PTE points; strength: the permission (as on the CPU's lane)
              <>
                {swatch(l.colours[3], 'VID', 'vid')}
                {swatch(l.colours[6], 'SYS', 'sys')}
                {swatch(l.colours[9], t('legend.peer'), 'peer')}
                <span className="mm-swatch-item">
                  <span className="mm-swatch mm-swatch-ramp" style={{ background: `linear-gradient(to right, ${l.colours[1]} 33%, ${l.colours[2]} 33% 66%, ${l.colours[3]} 66%)` }} />
                  {t('legend.strength')}
                </span>
              </>
            ) : (
              l.colours.map((c, level) => (level === 0 ? null : swatch(c, t(l.meanings[level]), level)))
            )}
          </li>
        ))}
        <li>
          <span className="mm-swatch-item">
            <span className="mm-swatch mm-swatch-ring" style={{ borderColor: STATE_COLOURS.changed }} />
            {t('legend.changed')}
          </span>
          <span className="mm-swatch-item">
            <span className="mm-swatch mm-swatch-ring mm-swatch-selected" />
            {t('legend.selected')}
          </span>
          <span className="mm-swatch-item">
            <span className="mm-swatch mm-swatch-partial" />
            {t('legend.partial')}
          </span>
          <span className="mm-hint">{t('hint')}</span>
        </li>
      </ul>
    </details>
  );
}

/** What the canvas shows, in words, for screen readers (and tests). */
function Summary({ data, resident, procName }: { data: MemoryMapResult; resident: readonly (readonly number[])[]; procName: (p: number) => string }) {
  const { t } = useTranslation('memory');
  return (
    <ul className="sr-only" data-testid="mm-summary">
      {data.regions.map((r, k) => (
        <li key={r.index} data-region={r.name} data-resident={resident[k].join(',')}>
          {t('summary', {
            region: r.name,
            pages: r.pages,
            resident: resident[k].map((n, p) => t('summaryResident', { proc: procName(p), count: n })).join(', '),
          })}
        </li>
      ))}
    </ul>
  );
}
