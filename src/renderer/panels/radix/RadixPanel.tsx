/**
 * The page cache of a file region: its address_space's radix tree, one box per 64-slot node, drawn on a canvas
 * (draw.ts) with d3-hierarchy's layout and d3-zoom. Each node shows its five tag bitmaps (DIRTY, WRITEBACK, TOWRITE,
 * CPU_DIRTY, ON_GPU) as rows of 64 cells, its occupied slots, and at a leaf GAIA's GPU pages (4 per leaf, 16 file
 * pages each) and the TSVT version of each processor's copy of each page, hatched where that copy is stale.
 *
 * What the cursor's step changed is outlined in yellow and flashes; a tag cleared or set one level at a time (the
 * kernel's radix_tree_tag_clear climbing) shows as one highlighted bit per step with the edge it climbed. "Follow"
 * keeps the node the step changes in view. Below the tree, the node in focus (the selected one, or the one the step
 * changed) is drawn again at a readable size, each slot a button that selects its page.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RadixNodeInfo, RadixResult, RegionInfo } from '../../../protocol';
import { useDebugger } from '../../state/store';
import { RadixRenderer, TAG_COLOURS, PAGE_COLOUR, CHILD_COLOUR, GPU_COLOUR, VERSION_COLOURS, type Labels } from './draw';
import { focusNode, type Hit, type Row } from './layout';
import { stepPhrases, type T } from './summary';
import { useRadixView } from './use-radix-view';
import { RadixDetail } from './RadixDetail';
import { RadixTip } from './RadixTip';
import './radix.css';
import { useResize } from '../../state/use-resize';
import { registerExportable } from '../../export/registry';

/** Nodes asked for at most (the rest collapse; a click on a collapsed node opens it). */
const MAX_NODES = 240;
const MAX_PHRASES = 5;

export function RadixPanel() {
  const { t } = useTranslation('radix');
  const run = useDebugger((s) => s.run);
  const files = useMemo(() => run?.regions.filter((r) => r.kind === 'file') ?? [], [run]);
  if (!run) return <div className="panel-empty">{t('empty')}</div>;
  if (!files.length)
    return (
      <div className="panel-empty" data-testid="radix-no-files">
        {t('noFiles')}
      </div>
    );
  // a new run starts afresh: its first file region, nothing expanded
  return <RadixTree key={`${run.fileName}:${run.totalTransitions}:${run.engineVersion}`} files={files} />;
}

function RadixTree({ files }: { files: readonly RegionInfo[] }) {
  const { t } = useTranslation('radix');
  const selection = useDebugger((s) => s.selection);
  const select = useDebugger((s) => s.select);
  const [region, setRegion] = useState<number>(files[0].index);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [follow, setFollow] = useState(true);
  const [hover, setHover] = useState<{ hit: Hit; x: number; y: number } | null>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const renderer = useRef<RadixRenderer | null>(null);
  const shown = useRef<{ step: number | null; region: number | null }>({ step: null, region: null });

  // a page or node of another file region selected elsewhere: show that file
  useEffect(() => {
    if (!selection || (selection.kind !== 'page' && selection.kind !== 'radixNode')) return;
    if (selection.region !== region && files.some((f) => f.index === selection.region)) {
      setRegion(selection.region);
      setExpanded(new Set());
    }
  }, [selection, files, region]);

  const query = useMemo(() => ({ view: 'radix' as const, region, expand: [...expanded].sort(), maxNodes: MAX_NODES }), [region, expanded]);
  const { data, step, error } = useRadixView(query);

  const selectedNode = selection?.kind === 'radixNode' && selection.region === region ? selection.node : null;
  const selectedPage = selection?.kind === 'page' && selection.region === region ? selection.page : null;

  const labels = useMemo(
    (): Labels => ({
      row: (row: Row) => (row.kind === 'tag' ? row.name : row.kind === 'slots' ? t(`row.${row.name}`) : row.kind === 'gpu' ? t('row.gpu', { gpu: row.name }) : t('row.version', { proc: row.name })),
      header: (n: RadixNodeInfo) => t(n.height === 0 ? 'header.leaf' : 'header.inner', { id: n.id, height: n.height, from: n.base, to: n.base + n.span - 1 }),
      headerRight: (n: RadixNodeInfo) => t(n.height === 0 ? 'headerRight.leaf' : 'headerRight.inner', { count: n.count, gpu: n.height === 0 ? Object.values(n.gpuSlots).reduce((a, g) => a + g.length, 0) : n.gpuCount }),
      expander: (n: RadixNodeInfo, open: boolean) => (open ? t('collapse') : t('expand', { count: n.count })),
    }),
    [t],
  );

  const regionRef = useRef(region);
  useEffect(() => {
    regionRef.current = region;
  }, [region]);
  const toggle = useCallback((n: RadixNodeInfo) => {
    setExpanded((old) => {
      const next = new Set(old);
      if (next.has(n.key)) next.delete(n.key);
      else next.add(n.key);
      return next;
    });
  }, []);

  // the renderer lives as long as the canvas
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const r = new RadixRenderer(el, labels, {
      onSelectNode: (n) => select({ kind: 'radixNode', region: regionRef.current, node: n.id }),
      onSelectPage: (_n, page) => select({ kind: 'page', region: regionRef.current, page }),
      onToggle: toggle,
      onHover: (hit, x, y) => setHover(hit ? { hit, x, y } : null),
    });
    renderer.current = r;
    return () => {
      r.destroy();
      renderer.current = null;
    };
    // made once per canvas: labels follow through setLabels below
  }, [select, toggle]);

  useEffect(() => {
    renderer.current?.setLabels(labels);
  }, [labels]);

  // File → Export: the canvas as shown (PNG, frames) and the same picture as vectors (SVG)
  useEffect(() => {
    return registerExportable('radix', {
      canvas: () => canvas.current,
      size: () => renderer.current?.cssSize ?? { width: 0, height: 0 },
      drawVector: (ctx) => renderer.current?.drawVector(ctx),
      shownStep: () => (canvas.current?.dataset.step ? Number(canvas.current.dataset.step) : null),
      busy: () => renderer.current?.animating ?? false,
    });
  }, []);

  useResize(wrap, (el) => renderer.current?.setSize(el.clientWidth, el.clientHeight, window.devicePixelRatio || 1), []);

  // the node up close: the selected one, else the one this step changed, else the one shown before (still in the
  // tree), else the root of a one-node tree
  const lastFocus = useRef<number | null>(null);
  const focus = useMemo(() => {
    if (!data) return null;
    const f = focusNode(data, selectedNode, selectedPage) ?? data.nodes.find((n) => n.id === lastFocus.current) ?? (data.nodes.length === 1 ? data.nodes[0] : null);
    return f;
  }, [data, selectedNode, selectedPage]);
  useEffect(() => {
    lastFocus.current = focus?.id ?? lastFocus.current;
  }, [focus]);

  useEffect(() => {
    const r = renderer.current;
    if (!r || !data) return;
    const moved = shown.current.region === data.region && shown.current.step !== null && shown.current.step !== step;
    shown.current = { step, region: data.region };
    r.setData(data, moved, expanded);
    if (canvas.current) canvas.current.dataset.step = String(step);
    if (moved && follow) {
      const changed = focusNode(data, null, null);
      if (changed) r.reveal(changed.id);
    }
    // expanded travels with the data it produced
  }, [data]);

  useEffect(() => {
    renderer.current?.setSelection(selectedNode, selectedPage);
    const id = selectedNode ?? (selectedPage !== null ? data?.nodes.find((n) => n.height === 0 && selectedPage >= n.base && selectedPage < n.base + n.span)?.id : undefined);
    if (id !== undefined) renderer.current?.reveal(id);
    // reveal once per selection, not on every step
  }, [selectedNode, selectedPage]);

  const phrases = data ? stepPhrases(t as unknown as T, data) : [];
  return (
    <div className="panel radix-panel" data-testid="radix-panel">
      <div className="radix-bar">
        {files.length > 1 ? (
          <label className="radix-file">
            <span>{t('file')}</span>
            <select
              aria-label={t('file')}
              value={region ?? ''}
              onChange={(e) => {
                setRegion(Number(e.target.value));
                setExpanded(new Set());
              }}
            >
              {files.map((f) => (
                <option key={f.index} value={f.index}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span className="radix-file-name">{files[0].name}</span>
        )}
        {data?.cached && (
          <span className="radix-summary" data-testid="radix-summary">
            {t('summary', { height: data.height, nodes: data.totalNodes, pages: data.nrpages, gpuPages: data.nrGpuPages })}
            {data.nodes.length < data.totalNodes && <> · {t('shown', { shown: data.nodes.length, total: data.totalNodes })}</>}
            {' · '}
            {t('rootTags', { tags: data.rootTags.length ? data.rootTags.join(' ') : t('none') })}
          </span>
        )}
        <span className="radix-tools" role="group">
          <button type="button" onClick={() => renderer.current?.zoomBy(1 / 1.5)} title={t('zoomOut')} aria-label={t('zoomOut')}>
            −
          </button>
          <button type="button" onClick={() => renderer.current?.zoomBy(1.5)} title={t('zoomIn')} aria-label={t('zoomIn')}>
            +
          </button>
          <button type="button" onClick={() => renderer.current?.fit()} title={t('fitHint')}>
            {t('fit')}
          </button>
          <label className="radix-follow" title={t('followHint')}>
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> {t('follow')}
          </label>
        </span>
      </div>
      <div className={`radix-step${phrases.length ? ' some' : ''}`} data-testid="radix-step" aria-live="polite">
        {data && (phrases.length ? <StepPhrases phrases={phrases} /> : t('step.none'))}
      </div>
      <div className="radix-canvas-wrap" ref={wrap}>
        <canvas ref={canvas} className="radix-canvas" data-testid="radix-canvas" role="img" aria-label={t('canvasLabel')} />
        {error && <div className="radix-overlay radix-error">{t('error', { message: error })}</div>}
        {!data && !error && <div className="radix-overlay">{t('loading')}</div>}
        {data && !data.cached && <div className="radix-overlay">{t('notCached', { file: data.file })}</div>}
        {data && data.cached && data.nodes.length === 0 && <div className="radix-overlay">{t('emptyTree', { file: data.file })}</div>}
      </div>
      {data && (
        <ul className="radix-sr" aria-label={t('nodeList')} data-testid="radix-node-list">
          {data.nodes.map((n) => (
            <li key={n.id}>
              <button type="button" data-node={n.id} onClick={() => select({ kind: 'radixNode', region, node: n.id })}>
                {labels.header(n)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {data && <Legend data={data} />}
      {data && (
        <RadixDetail
          data={data}
          node={focus}
          step={step}
          why={focus ? (selectedNode === focus.id || (selectedPage !== null && focus.height === 0) ? 'selected' : focus.changed ? 'changed' : null) : null}
          selectedPage={selectedPage}
          onSelectPage={(page) => select({ kind: 'page', region, page })}
          onSelectNode={(n) => select({ kind: 'radixNode', region, node: n.id })}
        />
      )}
      {hover && data && <RadixTip hit={hover.hit} x={hover.x} y={hover.y} data={data} />}
    </div>
  );
}

function StepPhrases({ phrases }: { phrases: string[] }) {
  const { t } = useTranslation('radix');
  const shown = phrases.slice(0, MAX_PHRASES);
  return (
    <>
      <span className="radix-step-title">{t('step.title')}:</span> {shown.join('; ')}
      {phrases.length > shown.length && <span className="dim"> {t('step.more', { count: phrases.length - shown.length })}</span>}
    </>
  );
}

function Legend({ data }: { data: RadixResult }) {
  const { t } = useTranslation('radix');
  const sw = (colour: string, label: string, extra = '') => (
    <span className="radix-sw-item" key={label}>
      <span className={`radix-sw${extra}`} style={{ background: colour }} />
      {label}
    </span>
  );
  return (
    <details className="radix-legend">
      <summary>{t('legend.title')}</summary>
      <div>
        {data.tagNames.map((tag) => sw(TAG_COLOURS[tag] ?? '#fff', tag))}
        {sw(PAGE_COLOUR, t('legend.pages'))}
        {sw(CHILD_COLOUR, t('legend.children'))}
        {sw(GPU_COLOUR, t('legend.gpuPage'))}
      </div>
      <div>
        <span className="radix-legend-label">{t('legend.versions')}:</span>
        {VERSION_COLOURS.map((c, v) => sw(c, v === VERSION_COLOURS.length - 1 ? t('legend.versionUp', { v }) : t('legend.version', { v })))}
        {sw('transparent', t('legend.stale'), ' radix-sw-stale')}
        {sw('transparent', t('legend.changed'), ' radix-sw-changed')}
        {sw('transparent', t('legend.selected'), ' radix-sw-selected')}
        <span className="dim">{t('hint')}</span>
      </div>
    </details>
  );
}
