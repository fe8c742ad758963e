/**
 * The GPU page tree (uvm_page_tree, Hopper's layout): the tables from the root PDE4 down to the PTE tables, laid
 * out as a tree (d3-hierarchy) with one column per level. Each table shows where it lives (vidmem or sysmem, the
 * bar on its left), how many of its entries are used, the VA it covers, and for the leaves the PTEs it holds by
 * page size (4K, 64K, 2M). Tables the cursor's step created or changed are outlined and pulse; click one to
 * inspect it. Directories with many children show a few and a "+N more" node that expands them.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hierarchy, linkHorizontal, tree, type HierarchyPointNode } from 'd3';
import type { PageTableInfo, PageTreeResult, RunInfo } from '../../../protocol';
import { useDebugger } from '../../state/store';
import { useView } from '../../state/use-view';
import { NoCanvas, registerExportable } from '../../export/registry';
import { standaloneSvg } from '../../export/dom-svg';
import { formatBytes, formatCount, formatVa } from '../memory-map/format';
import { PTE_SIZE_COLOURS } from '../memory-map/lanes';
import { STATE_COLOURS } from '../../theme/palette';
import { blockPlace, GpuPicker } from '../pmm/PmmPanel';
import './page-tree.css';
import { useResize } from '../../state/use-resize';

/** Children shown per directory before a "+N more" node, and how many more each expansion shows. */
const CHILDREN_SHOWN = 6;
const EXPAND_BY = 64;

interface TreeNode {
  readonly key: string;
  readonly table?: PageTableInfo;
  /** A "+N more" node standing for the hidden children of `parent`. */
  readonly more?: { parent: number; count: number };
  children: TreeNode[];
}

/** The tree of tables, children in entry order, each directory showing `shown(parent)` children. */
function buildTree(tables: readonly PageTableInfo[], shown: (parent: number) => number): TreeNode | null {
  const kids = new Map<number, PageTableInfo[]>();
  let root: PageTableInfo | undefined;
  for (const t of tables) {
    if (t.parent < 0) {
      root ??= t;
      continue;
    }
    let list = kids.get(t.parent);
    if (!list) kids.set(t.parent, (list = []));
    list.push(t);
  }
  if (!root) return null;
  const make = (t: PageTableInfo): TreeNode => {
    const list = (kids.get(t.id) ?? []).sort((a, b) => a.va - b.va || a.index - b.index || a.level.localeCompare(b.level));
    const n = shown(t.id);
    const children = list.slice(0, n).map(make);
    if (list.length > n) children.push({ key: `more-${t.id}`, more: { parent: t.id, count: list.length - n }, children: [] });
    return { key: `t-${t.id}`, table: t, children };
  };
  return make(root);
}

export function PageTreePanel() {
  const { t } = useTranslation('pageTree');
  const run = useDebugger((s) => s.run);
  const selection = useDebugger((s) => s.selection);
  const select = useDebugger((s) => s.select);
  const hasGpu = !!run && run.processors.length > 1;
  const [gpu, setGpu] = useState(1);
  const gpuOk = hasGpu && gpu < run.processors.length ? gpu : 1;
  const query = useMemo(() => (hasGpu ? { view: 'pageTree' as const, gpu: gpuOk } : null), [hasGpu, gpuOk]);
  const { data, step, error } = useView(query);
  const [expanded, setExpanded] = useState<ReadonlyMap<number, number>>(new Map());
  const [hover, setHover] = useState<{ table: PageTableInfo; x: number; y: number } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const font = box.current ? parseFloat(getComputedStyle(box.current).fontSize) || 13 : 13;
  const [width, setWidth] = useState(0);
  useResize(box, (el) => setWidth(el.clientWidth), [hasGpu, run]);

  // File → Export: the tree's <svg> as a standalone file (SVG; PNG and frames draw it onto a canvas)
  const exportStep = useRef<number | null>(null);
  useEffect(() => {
    exportStep.current = data ? step : null;
  }, [data, step]);
  useEffect(() => {
    const svgOf = () => box.current?.querySelector<SVGSVGElement>('svg.pt-svg') ?? null;
    return registerExportable('pageTree', {
      canvas: () => null,
      size: () => {
        const r = svgOf()?.getBoundingClientRect();
        return r ? { width: r.width, height: r.height } : { width: 0, height: 0 };
      },
      svgText: () => {
        const svg = svgOf();
        if (!svg) throw new NoCanvas();
        return standaloneSvg(svg, getComputedStyle(document.documentElement).getPropertyValue('--bg-panel').trim() || '#1c1f26');
      },
      shownStep: () => exportStep.current,
    });
  }, []);

  if (!run) return <div className="panel-empty">{t('empty')}</div>;
  if (!hasGpu) return <div className="panel-empty">{t('noGpu')}</div>;
  const gpuName = run.processors[gpuOk]?.name ?? '';
  return (
    <div className="panel page-tree-panel" ref={box}>
      <div className="pt-bar">
        <GpuPicker run={run} gpu={gpuOk} onChange={setGpu} label={t('gpu')} />
        {data && <Stats data={data} />}
      </div>
      <div className="pt-scroll">
        {error && <div className="pt-note pt-error">{t('error', { message: error })}</div>}
        {!data && !error && <div className="pt-note">{t('loading')}</div>}
        {data && data.tables.length === 0 && <div className="pt-note">{t('none', { gpu: gpuName })}</div>}
        {data && data.tables.length > 0 && (
          <Tree
            data={data}
            step={step}
            font={font}
            width={width}
            gpuName={gpuName}
            expanded={expanded}
            selected={selection?.kind === 'pageTable' && selection.gpu === gpuOk ? selection.table : -1}
            onSelect={(table) => select({ kind: 'pageTable', gpu: gpuOk, table })}
            onMore={(parent) => setExpanded((m) => new Map(m).set(parent, (m.get(parent) ?? CHILDREN_SHOWN) + EXPAND_BY))}
            onHover={(table, x, y) => setHover(table ? { table, x, y } : null)}
          />
        )}
      </div>
      <Legend />
      {hover && <TableTip run={run} table={hover.table} x={hover.x} y={hover.y} gpuName={gpuName} />}
    </div>
  );
}

function Stats({ data }: { data: PageTreeResult }) {
  const { t } = useTranslation('pageTree');
  const root = data.tables.find((x) => x.parent < 0);
  const vid = data.tables.filter((x) => x.aperture === 'VID').length;
  const bytes = data.tables.reduce((n, x) => n + x.bytes, 0);
  const changed = data.tables.filter((x) => x.changed).length;
  return (
    <>
      <span data-testid="pt-summary">{t('summary', { tables: data.tables.length, vid, sys: data.tables.length - vid, bytes: formatBytes(bytes) })}</span>
      {root && <span data-testid="pt-leaves">{t('leaves', { pte4k: formatCount(root.pte4k), pte64k: formatCount(root.pte64k), pte2m: formatCount(root.pte2m) })}</span>}
      <span className={`pt-changed${changed ? ' some' : ''}`} data-testid="pt-changed">
        {changed ? t('changed', { count: changed }) : t('unchanged')}
      </span>
    </>
  );
}

interface TreeProps {
  data: PageTreeResult;
  step: number | null;
  font: number;
  /** The panel's width: nodes narrow (down to a minimum) so the six levels fit it. */
  width: number;
  gpuName: string;
  /** Children shown per directory, where the user expanded it. */
  expanded: ReadonlyMap<number, number>;
  selected: number;
  onSelect(table: number): void;
  onMore(parent: number): void;
  onHover(table: PageTableInfo | null, x: number, y: number): void;
}

function Tree({ data, step, font, width: panelW, gpuName, expanded, selected, onSelect, onMore, onHover }: TreeProps) {
  const { t } = useTranslation('pageTree');
  const u = Math.max(10, font);
  const gapW = Math.round(u * 1.5);
  const nodeW = Math.round(Math.max(u * 8.2, Math.min(u * 10, (panelW - 24) / 6 - gapW)));
  const nodeH = Math.round(u * 3.6);
  const colW = nodeW + gapW;
  const rowH = nodeH + Math.round(u * 0.8);
  const headerH = Math.round(u * 2.6);
  const layout = useMemo(() => {
    const rootNode = buildTree(data.tables, (p) => expanded.get(p) ?? CHILDREN_SHOWN);
    if (!rootNode) return null;
    const h = hierarchy(rootNode, (n) => n.children);
    const laid = tree<TreeNode>().nodeSize([rowH, colW]).separation(() => 1)(h);
    let minX = Infinity;
    let maxX = -Infinity;
    laid.each((n) => {
      minX = Math.min(minX, n.x);
      maxX = Math.max(maxX, n.x);
    });
    return { laid, minX, maxX, depth: laid.height };
  }, [data, expanded, rowH, colW]);
  if (!layout) return null;
  const { laid, minX, maxX } = layout;
  const width = (Math.max(5, layout.depth) + 1) * colW + 16;
  const height = maxX - minX + nodeH + headerH + 16;
  const ox = 8;
  const oy = headerH + 4 - minX;
  const link = linkHorizontal<unknown, [number, number]>()
    .source((d) => (d as { s: [number, number] }).s)
    .target((d) => (d as { t: [number, number] }).t);
  // the level of each column, from a table at that depth
  const levelAt: string[] = [];
  const spanAt: string[] = [];
  for (const tb of data.tables) {
    if (levelAt[tb.depth] && !tb.level.startsWith('PTE_64K')) continue;
    levelAt[tb.depth] = tb.depth === 5 ? 'PTE' : tb.level;
    spanAt[tb.depth] = tb.depth === 5 ? '4K / 64K' : t('levelSpan', { entries: tb.entries, span: formatBytes(tb.span / tb.entries) });
  }
  const nodes = laid.descendants();
  return (
    <svg className="pt-svg" width={width} height={height} role="tree" aria-label={t('treeLabel', { gpu: gpuName })} data-testid="pt-svg">
      {levelAt.map((l, d) =>
        l ? (
          <g key={d} transform={`translate(${ox + d * colW},0)`}>
            <text className="pt-level" x={0} y={u * 1.1}>
              {t(`level.${l}`, { defaultValue: l })}
            </text>
            <text className="pt-level-span" x={0} y={u * 2.2}>
              {spanAt[d]}
            </text>
          </g>
        ) : null,
      )}
      <g transform={`translate(${ox},${oy})`}>
        {laid.links().map((l) => (
          <path
            key={`${l.source.data.key}-${l.target.data.key}`}
            className={`pt-link${l.target.data.table?.changed ? ' changed' : ''}`}
            d={link({ s: [l.source.y + nodeW, l.source.x + nodeH / 2], t: [l.target.y, l.target.x + nodeH / 2] } as unknown as [number, number]) ?? ''}
          />
        ))}
        {nodes.map((n) => (
          <Node key={n.data.key + (n.data.table?.changed ? `@${step}` : '')} n={n} w={nodeW} h={nodeH} u={u} selected={selected} onSelect={onSelect} onMore={onMore} onHover={onHover} />
        ))}
      </g>
    </svg>
  );
}

function Node({ n, w, h, u, selected, onSelect, onMore, onHover }: { n: HierarchyPointNode<TreeNode>; w: number; h: number; u: number; selected: number; onSelect(id: number): void; onMore(parent: number): void; onHover(table: PageTableInfo | null, x: number, y: number): void }) {
  const { t } = useTranslation('pageTree');
  const x = n.y;
  const y = n.x;
  const more = n.data.more;
  if (more) {
    return (
      <g className="pt-more" transform={`translate(${x},${y})`} role="button" tabIndex={0} onClick={() => onMore(more.parent)} onKeyDown={(e) => e.key === 'Enter' && onMore(more.parent)}>
        <rect width={w} height={h * 0.7} rx={5} />
        <text x={10} y={h * 0.35 + u * 0.35}>
          {t('node.more', { count: more.count })}
        </text>
        <title>{t('node.moreHint')}</title>
      </g>
    );
  }
  const tb = n.data.table!;
  const leaf = tb.depth === 5;
  const usedFrac = Math.min(1, tb.used / Math.max(1, tb.entries));
  const sizes: [number, string, string][] = [
    [tb.pte4k, '4K', PTE_SIZE_COLOURS.k4],
    [tb.pte64k, '64K', PTE_SIZE_COLOURS.k64],
    [tb.pte2m, '2M', PTE_SIZE_COLOURS.m2],
  ];
  const cls = `pt-node${tb.changed ? ' changed' : ''}${tb.id === selected ? ' selected' : ''}`;
  let sx = 10;
  return (
    <g
      className={cls}
      transform={`translate(${x},${y})`}
      role="treeitem"
      aria-selected={tb.id === selected}
      tabIndex={0}
      data-table={tb.id}
      data-level={tb.level}
      data-aperture={tb.aperture}
      onClick={() => onSelect(tb.id)}
      onKeyDown={(e) => e.key === 'Enter' && onSelect(tb.id)}
      onPointerMove={(e) => onHover(tb, e.clientX, e.clientY)}
      onPointerLeave={() => onHover(null, 0, 0)}
    >
      <rect className="pt-box" width={w} height={h} rx={5} />
      <rect className="pt-aperture" width={5} height={h} rx={2} fill={tb.aperture === 'VID' ? STATE_COLOURS.vidmem : STATE_COLOURS.sysmem} />
      <text className="pt-title" x={10} y={u * 1.15}>
        {t('node.title', { level: tb.level, id: tb.id })}
      </text>
      <text className="pt-used" x={w - 6} y={u * 1.15} textAnchor="end">
        {t('node.entries', { used: tb.used, entries: tb.entries })}
      </text>
      <text className="pt-va" x={10} y={u * 2.25}>
        {leaf && tb.block >= 0 ? `${formatVa(tb.va)} · ${t('node.block', { block: tb.block })}` : formatVa(tb.va)}
      </text>
      {sizes.map(([count, label, colour]) => {
        if (!count) return null;
        const text = `${label}×${formatCount(count)}`;
        const at = sx;
        sx += text.length * u * 0.55 + 14;
        return (
          <g key={label} transform={`translate(${at},${u * 2.75})`}>
            <rect width={7} height={7} rx={1.5} fill={colour} />
            <text className="pt-size" x={10} y={6.5}>
              {text}
            </text>
          </g>
        );
      })}
      {leaf && <rect className="pt-fill" x={5} y={h - 3} width={(w - 5) * usedFrac} height={3} fill={tb.level === 'PTE_64K' ? PTE_SIZE_COLOURS.k64 : PTE_SIZE_COLOURS.k4} />}
    </g>
  );
}

function Legend() {
  const { t } = useTranslation('pageTree');
  const item = (colour: string, label: string, cls = '') => (
    <span className="pt-legend-item" key={label}>
      <span className={`pt-swatch ${cls}`} style={cls ? { borderColor: colour } : { background: colour }} />
      {label}
    </span>
  );
  return (
    <div className="pt-legend">
      {item(STATE_COLOURS.vidmem, t('legend.vid'))}
      {item(STATE_COLOURS.sysmem, t('legend.sys'))}
      {item(PTE_SIZE_COLOURS.k4, t('legend.pte4k'))}
      {item(PTE_SIZE_COLOURS.k64, t('legend.pte64k'))}
      {item(PTE_SIZE_COLOURS.m2, t('legend.pte2m'))}
      {item(STATE_COLOURS.changed, t('legend.changed'), 'pt-swatch-ring')}
      {item('#ffffff', t('legend.selected'), 'pt-swatch-ring')}
    </div>
  );
}

function TableTip({ run, table, x, y, gpuName }: { run: RunInfo; table: PageTableInfo; x: number; y: number; gpuName: string }) {
  const { t } = useTranslation('pageTree');
  const place = table.block >= 0 ? blockPlace(run, table.block) : null;
  const left = x + 14 + 340 > window.innerWidth ? x - 350 : x + 14;
  return (
    <div className="pt-tip" style={{ left, top: y + 14 }} role="tooltip" data-testid="pt-tip">
      <div className="pt-tip-title">{t('tip.table', { level: table.level, id: table.id, gpu: gpuName })}</div>
      <div>{t('tip.backing', { bytes: formatBytes(table.bytes), aperture: table.aperture === 'VID' ? 'vidmem' : 'sysmem' })}</div>
      <div>{t('tip.covers', { from: formatVa(table.va), to: formatVa(table.va + table.span - 1), span: formatBytes(table.span) })}</div>
      <div>{t('tip.entries', { used: table.used, entries: table.entries })}</div>
      {table.parent >= 0 && <div>{t('tip.parent', { index: table.index, parent: table.parent })}</div>}
      <div>{t('tip.leaves', { pte4k: table.pte4k, pte64k: table.pte64k, pte2m: table.pte2m })}</div>
      {table.vid + table.sys > 0 && <div>{t('tip.apertures', { vid: table.vid, sys: table.sys })}</div>}
      {place && <div>{t('tip.block', { block: table.block, region: place.region, offset: formatBytes(place.offset) })}</div>}
      {table.changed && <div className="pt-tip-changed">{t('tip.changed')}</div>}
    </div>
  );
}
