/**
 * Where everything of the radix panel sits, in world units (the canvas zooms and pans over them): the tree (root on
 * top, each node's children below it in a grid), each node a box of rows of 64 cells, and the hit test that turns a point back into a node, a row and a slot.
 *
 * A node's rows, top to bottom: the five tags (DIRTY, WRITEBACK, TOWRITE, CPU_DIRTY, ON_GPU), its slots (pages at a
 * leaf, children above), then at a leaf one row per GPU (4 GPU slots of 16 file pages each) and one TSVT row per
 * processor (the version of its own copy of each page).
 */
import { hierarchy, type HierarchyNode } from 'd3';
import type { RadixNodeInfo, RadixResult } from '../../../protocol';

export const SLOTS = 64;
export const CELL_W = 6;
export const CELL_H = 8;
export const ROW_GAP = 2;
export const ROW_H = CELL_H + ROW_GAP;
export const PAD = 6;
export const HEADER_H = 16;
export const LABEL_W = 62;
/** Space between row groups (tags | slots | GPU pages | versions). */
export const GROUP_GAP = 5;
export const NODE_W = PAD + LABEL_W + SLOTS * CELL_W + PAD;
const SIBLING_GAP = 24;
/** Between a parent and its children, and between rows of children. */
const LEVEL_GAP = 44;
const ROW_SPACING = 30;

export type RowKind = 'tag' | 'slots' | 'gpu' | 'version';

export interface Row {
  kind: RowKind;
  /** tag name, GPU name or TSVT processor name */
  name: string;
  /** index into tagNames / gpus / versionProcs */
  index: number;
  /** top, relative to the node box */
  y: number;
}

export interface NodeBox {
  node: RadixNodeInfo;
  x: number;
  y: number;
  w: number;
  h: number;
  rows: Row[];
  depth: number;
}

export interface TreeLayout {
  boxes: NodeBox[];
  byId: Map<number, NodeBox>;
  /** World bounds of everything. */
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** The rows of a node of this tree. */
export function rowsOf(data: RadixResult, leaf: boolean): { rows: Row[]; height: number } {
  const rows: Row[] = [];
  let y = HEADER_H;
  data.tagNames.forEach((name, index) => {
    rows.push({ kind: 'tag', name, index, y });
    y += ROW_H;
  });
  y += GROUP_GAP;
  rows.push({ kind: 'slots', name: leaf ? 'pages' : 'children', index: 0, y });
  y += ROW_H;
  if (leaf) {
    y += GROUP_GAP;
    data.gpus.forEach((name, index) => {
      rows.push({ kind: 'gpu', name, index, y });
      y += ROW_H;
    });
    y += GROUP_GAP;
    data.versionProcs.forEach((name, index) => {
      rows.push({ kind: 'version', name, index, y });
      y += ROW_H;
    });
  }
  return { rows, height: y + PAD - ROW_GAP };
}

interface TreeDatum {
  node: RadixNodeInfo;
  children: TreeDatum[];
}

interface Placed {
  /** Size of the subtree's area. */
  w: number;
  h: number;
  /** Columns its children are arranged in. */
  cols: number;
  nodeH: number;
}

/**
 * Lay the sent nodes out as a tree: each node centred over its children, and the children of a node in a grid of
 * rows whose column count makes the subtree's shape close to `aspect` (width / height, the view's), so that a
 * root over 9 leaves fills a wide panel in three rows instead of one long line. d3-hierarchy gives the structure
 * (children sorted by slot, sizes summed bottom-up); the grid places them.
 */
export function layoutTree(data: RadixResult, aspect = 1.6): TreeLayout {
  const empty: TreeLayout = { boxes: [], byId: new Map(), minX: 0, minY: 0, maxX: NODE_W, maxY: 100 };
  if (!data.nodes.length) return empty;
  const datum = new Map<number, TreeDatum>();
  for (const n of data.nodes) datum.set(n.id, { node: n, children: [] });
  let root: TreeDatum | null = null;
  for (const n of data.nodes) {
    const d = datum.get(n.id)!;
    const p = n.parent >= 0 ? datum.get(n.parent) : undefined;
    if (p) p.children.push(d);
    else root ??= d;
  }
  if (!root) return empty;
  const rowsLeaf = rowsOf(data, true);
  const rowsInner = rowsOf(data, false);
  const h = hierarchy<TreeDatum>(root, (d) => (d.children.length ? d.children : null)).sort((a, b) => a.data.node.slot - b.data.node.slot);
  const placed = new Map<HierarchyNode<TreeDatum>, Placed>();
  const gridOf = (kids: HierarchyNode<TreeDatum>[], cols: number) => {
    let w = 0;
    let hh = 0;
    for (let r = 0; r * cols < kids.length; r++) {
      const row = kids.slice(r * cols, r * cols + cols).map((k) => placed.get(k)!);
      w = Math.max(w, row.reduce((a, p) => a + p.w, 0) + SIBLING_GAP * (row.length - 1));
      hh += Math.max(...row.map((p) => p.h)) + (r ? ROW_SPACING : 0);
    }
    return { w, h: hh };
  };
  h.eachAfter((n) => {
    const nodeH = n.data.node.height === 0 ? rowsLeaf.height : rowsInner.height;
    const kids = n.children ?? [];
    if (!kids.length) {
      placed.set(n, { w: NODE_W, h: nodeH, cols: 0, nodeH });
      return;
    }
    let best: Placed | null = null;
    let bestScore = Infinity;
    for (let cols = 1; cols <= kids.length; cols++) {
      if (cols > 1 && Math.ceil(kids.length / cols) === Math.ceil(kids.length / (cols - 1))) continue;
      const g = gridOf(kids, cols);
      const w = Math.max(NODE_W, g.w);
      const hh = nodeH + LEVEL_GAP + g.h;
      const score = Math.abs(Math.log(w / hh / aspect));
      if (score < bestScore - 1e-9) {
        bestScore = score;
        best = { w, h: hh, cols, nodeH };
      }
    }
    placed.set(n, best!);
  });
  const boxes: NodeBox[] = [];
  const byId = new Map<number, NodeBox>();
  const put = (n: HierarchyNode<TreeDatum>, left: number, top: number) => {
    const p = placed.get(n)!;
    const leaf = n.data.node.height === 0;
    const r = leaf ? rowsLeaf : rowsInner;
    const box: NodeBox = { node: n.data.node, x: left + (p.w - NODE_W) / 2, y: top, w: NODE_W, h: r.height, rows: r.rows, depth: n.depth };
    boxes.push(box);
    byId.set(box.node.id, box);
    const kids = n.children ?? [];
    if (!kids.length) return;
    const g = gridOf(kids, p.cols);
    let y = top + p.nodeH + LEVEL_GAP;
    for (let row = 0; row * p.cols < kids.length; row++) {
      const line = kids.slice(row * p.cols, row * p.cols + p.cols);
      const lw = line.reduce((a, k) => a + placed.get(k)!.w, 0) + SIBLING_GAP * (line.length - 1);
      let x = left + (p.w - g.w) / 2 + (g.w - lw) / 2;
      let lh = 0;
      for (const k of line) {
        const kp = placed.get(k)!;
        put(k, x, y);
        x += kp.w + SIBLING_GAP;
        lh = Math.max(lh, kp.h);
      }
      y += lh + ROW_SPACING;
    }
  };
  put(h, 0, 0);
  const all = placed.get(h)!;
  return { boxes, byId, minX: 0, minY: 0, maxX: all.w, maxY: all.h };
}

/** The x of slot `s`'s cell inside a node box. */
export function cellX(box: NodeBox, s: number): number {
  return box.x + PAD + LABEL_W + s * CELL_W;
}

export interface Hit {
  box: NodeBox;
  /** Undefined on the header or the labels. */
  row?: Row;
  slot?: number;
  /** The header's "+N hidden" badge. */
  expander?: boolean;
}

/** What lies under world point (x, y). */
export function hitTest(layout: TreeLayout, x: number, y: number): Hit | null {
  for (const box of layout.boxes) {
    if (x < box.x || x > box.x + box.w || y < box.y || y > box.y + box.h) continue;
    const lx = x - box.x;
    const ly = y - box.y;
    if (ly < HEADER_H) return { box, expander: box.node.collapsed && lx > box.w - 110 };
    const col = Math.floor((lx - PAD - LABEL_W) / CELL_W);
    const slot = col >= 0 && col < SLOTS ? col : undefined;
    const row = box.rows.find((r) => ly >= r.y && ly < r.y + ROW_H);
    return { box, row, slot };
  }
  return null;
}

/** A string of 64 '0'/'1' characters as [first, end) runs of '1's. */
export function bitRuns(bits: string | undefined): [number, number][] {
  const out: [number, number][] = [];
  if (!bits) return out;
  let start = -1;
  for (let k = 0; k <= bits.length; k++) {
    const on = k < bits.length && bits.charCodeAt(k) === 49;
    if (on && start < 0) start = k;
    else if (!on && start >= 0) {
      out.push([start, k]);
      start = -1;
    }
  }
  return out;
}

/** Slot numbers as [first, end) runs. */
export function listRuns(slots: readonly number[]): [number, number][] {
  const sorted = [...slots].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] === s) last[1] = s + 1;
    else out.push([s, s + 1]);
  }
  return out;
}

/** The node the panel should show in detail: the selected one, else the deepest node this step changed. */
export function focusNode(data: RadixResult, selectedNode: number | null, selectedPage: number | null): RadixNodeInfo | null {
  if (selectedNode !== null) {
    const n = data.nodes.find((x) => x.id === selectedNode);
    if (n) return n;
  }
  if (selectedPage !== null) {
    const n = data.nodes.find((x) => x.height === 0 && selectedPage >= x.base && selectedPage < x.base + x.span);
    if (n) return n;
  }
  let best: RadixNodeInfo | null = null;
  for (const n of data.nodes) if (n.changed && (!best || n.height < best.height)) best = n;
  return best;
}
