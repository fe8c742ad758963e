/**
 * Reading the page cache's transitions (pagecache/kinds.ts, state 30–37, events 100–119): the radix tree's
 * address_space and node words (pagecache/radix.ts), the TSVT (pagecache/tsvt.ts), and the cache's events.
 * Page-cache GPU indices are 0-based (GAIA's GPU_NVIDIA = 0): they are named as UVM processor gpu + 1.
 */

import { popcount32 } from '../core/bits';
import { EVENT_HEAP } from '../core/store';
import type { Model } from '../uvm/model';
import type { RawTransition } from './describe';
import { PK } from '../pagecache/kinds';
import {
  F_KIND,
  F_LRA_HEAD,
  F_LRA_TAIL,
  F_ROOT,
  F_ROOT_TAGS,
  FILE_WORDS,
  GPU_GROUP,
  GPU_SLOTS,
  MAP_SIZE,
  MAX_TAGS,
  N_FILE,
  N_GPU,
  N_NEXT_FREE,
  N_PARENT,
  N_SLOTS,
  N_TAGS,
  slotSpan,
  TAG_NAMES,
} from '../pagecache/radix';
import { describeStructPage, STRUCT_PAGE_FIELDS } from './describe-cpu';
import { indices, kib, logTable, pcGpuName, plural, positionOf, registerKinds, tsvtProcName, type Decoded, type Fields, type KindDescriber } from './describe-support';

/** pc.files / pc.nodes header words (radix.ts FILE_HDR, NODE_HDR; checked against the model by the tests). */
export const PC_FILE_HDR = 2;
export const PC_NODE_HDR = 2;

const FILE_FIELD_NAMES = ['kind', 'root', 'height', 'nrpages', 'nrgpu', 'root_tags', 'lra_head', 'lra_tail'];
const NODE_FIELD_NAMES = ['file', 'parent', 'offset', 'height', 'count', 'count_gpu', 'base', 'next_free'];
const SPACE_KINDS = ['none', 'inode', 'private'];

const ref = (v: number, what: string): string => (v === 0 ? 'none' : `${what} ${v - 1}`);
const action = (before: number, after: number): string => (after === 0 ? 'cleared' : before === 0 ? 'set' : 'changed');

// ---------------------------------------------------------------- radix nodes in the log

/** One life of a radix node, from its nodeAlloc event to its nodeFree event (node ids are reused). */
interface NodeLife {
  alloc: number;
  free: number;
  file: number;
  height: number;
  base: number;
}

const nodeLives = logTable(
  () => new Map<number, NodeLife[]>(),
  (lives, store, t) => {
    if (store.heapOf(t) !== EVENT_HEAP) return;
    const kind = store.kindOf(t);
    const node = store.objOf(t);
    if (kind === PK.nodeAlloc) {
      const list = lives.get(node) ?? [];
      list.push({ alloc: t, free: Infinity, file: store.indexOf(t), height: store.beforeOf(t), base: store.afterOf(t) });
      lives.set(node, list);
    } else if (kind === PK.nodeFree) {
      const list = lives.get(node);
      if (list?.length) list[list.length - 1].free = t;
    }
  },
);

/**
 * Which file, height and first index radix node t.obj covered when t happened, or null when the log cannot say:
 * the node was never allocated, or it was reused at another place and t's position is not known (describe.ts does
 * not pass it yet). Writes between a free and the next allocation belong to the old life when they zero a word (the
 * free clearing the node), to the new one otherwise (its header being set before the nodeAlloc event).
 */
export function radixNode(t: RawTransition, m: Model): { file: number; height: number; base: number } | null {
  const lives = nodeLives(m.store).get(t.obj);
  if (!lives?.length) return null;
  const at = positionOf(t);
  if (at === undefined) {
    const a = lives[0];
    return lives.every((l) => l.file === a.file && l.height === a.height && l.base === a.base) ? a : null;
  }
  for (let i = 0; i < lives.length; i++) {
    if (at < lives[i].alloc) return i > 0 && t.after === 0 ? lives[i - 1] : lives[i];
    if (at <= lives[i].free) return lives[i];
  }
  return lives[lives.length - 1];
}

// ---------------------------------------------------------------- state writes

/** Words of a node of this run: header, tags, 64 slots, then gpu_pages[gpu][4] (radix.ts nodeWords). */
const nodeWords = (m: Model): number => N_GPU + m.gpus * GPU_SLOTS;

/** Where a pc.nodes word is: its node and word in the node. */
function nodeWord(t: RawTransition, m: Model): { node: number; w: number } {
  const i = t.idx - PC_NODE_HDR;
  return { node: Math.floor(i / nodeWords(m)), w: i % nodeWords(m) };
}

/** The file indices below slot s of a node (a page at a leaf, a subtree above), or null when not known. */
function slotRange(t: RawTransition, m: Model, s: number): { file: number; index: number; span: number; height: number } | null {
  const life = radixNode(t, m);
  if (!life) return null;
  const span = slotSpan(Math.max(1, life.height));
  return { file: life.file, index: life.base + s * span, span, height: life.height };
}

function pcFile(t: RawTransition): Decoded {
  if (t.idx < PC_FILE_HDR) return { fields: { field: 'files' }, text: `address_spaces created: ${t.before} → ${t.after}` };
  const file = Math.floor((t.idx - PC_FILE_HDR) / FILE_WORDS);
  const w = (t.idx - PC_FILE_HDR) % FILE_WORDS;
  const field = FILE_FIELD_NAMES[w];
  const fields: Fields = { file, field };
  const at = `file ${file} ${field}`;
  if (w === F_KIND) return { fields, text: `file ${file} is an address_space of kind ${SPACE_KINDS[t.after] ?? t.after}` };
  if (w === F_ROOT) {
    fields.node = t.after - 1;
    return { fields, text: `${at}: ${ref(t.before, 'node')} → ${ref(t.after, 'node')}` };
  }
  if (w === F_LRA_HEAD || w === F_LRA_TAIL) {
    fields.pfn = t.after - 1;
    return { fields, text: `${at} (gpu_lra ${w === F_LRA_HEAD ? 'newest' : 'oldest'} GPU page): ${ref(t.before, 'pfn')} → ${ref(t.after, 'pfn')}` };
  }
  if (w === F_ROOT_TAGS) {
    const changed = (t.before ^ t.after) >>> 0;
    const tag = 31 - Math.clz32(changed & -changed);
    Object.assign(fields, { tag: TAG_NAMES[tag] ?? String(tag), action: t.after & (1 << tag) ? 'set' : 'cleared' });
    return { fields, text: `file ${file} root tag ${fields.tag} ${fields.action} (${fields.action === 'set' ? 'some' : 'no'} index of the file has it now)` };
  }
  return { fields, text: `${at}: ${t.before} → ${t.after}` };
}

function nodeHeader(t: RawTransition, m: Model, node: number, w: number): Decoded {
  const field = NODE_FIELD_NAMES[w] ?? `word${w}`;
  const fields: Fields = { node, field };
  const life = radixNode(t, m);
  if (w === N_FILE && t.after) fields.file = t.after - 1;
  else if (life) fields.file = life.file;
  const show = (v: number) => (w === N_FILE ? ref(v, 'file') : w === N_PARENT || w === N_NEXT_FREE ? ref(v, 'node') : String(v));
  return { fields, text: `radix node ${node} ${field}: ${show(t.before)} → ${show(t.after)}` };
}

function nodeTag(t: RawTransition, m: Model, node: number, w: number): Decoded {
  const tag = Math.floor((w - N_TAGS) / 2);
  const changed = (t.before ^ t.after) >>> 0;
  const slot = ((w - N_TAGS) % 2) * 32 + (31 - Math.clz32(changed & -changed));
  const slots = popcount32(changed);
  const act = (t.after & ~t.before) >>> 0 ? ((t.before & ~t.after) >>> 0 ? 'changed' : 'set') : 'cleared';
  const name = TAG_NAMES[tag] ?? `tag${tag}`;
  const fields: Fields = { node, tag: name, slot, slots, action: act };
  const r = slotRange(t, m, slot);
  if (!r) return { fields, text: `${name} tag ${act} on ${slots > 1 ? `${slots} slots of node ${node} from slot ${slot}` : `node ${node} slot ${slot}`}` };
  Object.assign(fields, { file: r.file, index: r.index, height: r.height });
  if (slots > 1) return { fields, text: `${name} tag ${act} on ${slots} slots of node ${node} (file ${r.file}, from index ${r.index})` };
  if (r.height <= 1) return { fields, text: `${name} tag ${act} on file ${r.file} index ${r.index}` };
  return { fields, text: `${name} tag ${act} on node ${node} slot ${slot} (file ${r.file} ${indices(r.index, r.span)} below it)` };
}

function nodeSlot(t: RawTransition, m: Model, node: number, w: number): Decoded {
  const slot = w - N_SLOTS;
  const act = action(t.before, t.after);
  const v = (t.after || t.before) - 1;
  const fields: Fields = { node, slot, action: act };
  const r = slotRange(t, m, slot);
  if (!r) return { fields, text: `radix node ${node} slot ${slot}: ${t.before} → ${t.after} (page pfn or child node, + 1)` };
  Object.assign(fields, { file: r.file, index: r.index, height: r.height });
  if (r.height <= 1) {
    fields.pfn = v;
    const verb = act === 'cleared' ? 'leaves' : 'enters';
    return { fields, text: `page pfn ${v} ${verb} the cache at file ${r.file} index ${r.index} (node ${node} slot ${slot})` };
  }
  fields.child = v;
  return { fields, text: `radix node ${node} slot ${slot} (file ${r.file} ${indices(r.index, r.span)}): ${ref(t.before, 'node')} → ${ref(t.after, 'node')}` };
}

function nodeGpuSlot(t: RawTransition, m: Model, node: number, w: number): Decoded {
  const gpuIdx = Math.floor((w - N_GPU) / GPU_SLOTS);
  const g = (w - N_GPU) % GPU_SLOTS;
  const gpu = pcGpuName(m, gpuIdx);
  const pfn = (t.after || t.before) - 1;
  const act = action(t.before, t.after);
  const fields: Fields = { node, gpu, slot: g, pfn, action: act };
  const life = radixNode(t, m);
  const where = `node ${node} gpu_pages[${gpuIdx}][${g}]`;
  if (!life) return { fields, text: `${gpu} page pfn ${pfn} ${act === 'cleared' ? 'removed from' : 'set in'} ${where}` };
  const index = life.base + g * GPU_GROUP;
  Object.assign(fields, { file: life.file, index });
  const what = `${gpu} page (pfn ${pfn}) of file ${life.file} ${indices(index, GPU_GROUP)}`;
  return { fields, text: act === 'cleared' ? `${what} removed from ${where}` : `${what} set in ${where}` };
}

/** Any pc.nodes write: the word decides what it is (the kind says the same: radix.ts picks it by word). */
function pcNodeWord(t: RawTransition, m: Model): Decoded {
  if (t.idx < PC_NODE_HDR) {
    const field = t.idx === 0 ? 'nodes' : 'free_head';
    const show = (v: number) => (t.idx === 0 ? String(v) : ref(v, 'node'));
    return { fields: { node: t.obj, field }, text: `${t.idx === 0 ? 'radix nodes handed out' : 'free radix node list head'}: ${show(t.before)} → ${show(t.after)}` };
  }
  const { node, w } = nodeWord(t, m);
  if (w < N_TAGS) return nodeHeader(t, m, node, w);
  if (w < N_TAGS + MAX_TAGS * 2) return nodeTag(t, m, node, w);
  if (w < N_GPU) return nodeSlot(t, m, node, w);
  return nodeGpuSlot(t, m, node, w);
}

function tsvtWrite(t: RawTransition, m: Model, reset: boolean): Decoded {
  const procs = m.gpus + 2;
  const perNode = MAP_SIZE * procs * procs;
  const node = Math.floor(t.idx / perNode);
  const rest = t.idx % perNode;
  const slot = Math.floor(rest / (procs * procs));
  const viewer = Math.floor(rest / procs) % procs;
  const owner = rest % procs;
  const initial = owner === procs - 1 ? 0 : -1; // the disk column starts at 0, the others at -1 (tsvt.ts)
  const version = t.after + initial;
  const previous = t.before + initial;
  const fields: Fields = { node, slot, viewer: tsvtProcName(m, viewer), owner: tsvtProcName(m, owner), version, previous };
  const r = slotRange(t, m, slot);
  if (r) Object.assign(fields, { file: r.file, index: r.index });
  const where = r ? `file ${r.file} index ${r.index}` : `node ${node} slot ${slot}`;
  const v = (x: number) => (x === -1 ? 'none' : String(x));
  const what = `TSVT[${fields.viewer}][${fields.owner}] of ${where}${reset ? ' reset' : ''}`;
  return { fields, text: `${what} (${fields.owner}'s version as ${fields.viewer} knows it): ${v(previous)} → ${v(version)}` };
}

// ---------------------------------------------------------------- the table

type PcKind = keyof typeof PK;

const NODE = ['node', 'field', 'file'];
const TAG = ['node', 'tag', 'slot', 'slots', 'action', 'file', 'index', 'height'];
const SLOT = ['node', 'slot', 'action', 'file', 'index', 'height', 'pfn', 'child'];
const GPU_SLOT = ['node', 'gpu', 'slot', 'pfn', 'action', 'file', 'index'];
const TSVT = ['node', 'slot', 'viewer', 'owner', 'version', 'previous', 'file', 'index'];
const FILE_INDEX_PFN = ['file', 'index', 'pfn'];

export const PAGECACHE_FIELDS: Readonly<Record<PcKind, readonly string[]>> = {
  pcFile: ['file', 'field', 'node', 'pfn', 'tag', 'action'],
  // radix.ts writes header words as pcNode, tag words as pcTag, slots as pcSlot, gpu_pages as pcGpuSlot
  pcNode: NODE,
  pcSlot: SLOT,
  pcGpuSlot: GPU_SLOT,
  pcTag: TAG,
  pcTsvt: TSVT,
  pcTsvtReset: TSVT,
  pcLra: STRUCT_PAGE_FIELDS,
  diskRead: ['file', 'index', 'pfn', 'bytes'],
  diskWrite: ['file', 'index', 'pages', 'bytes'],
  nodeAlloc: ['node', 'file', 'height', 'index'],
  nodeFree: ['node', 'file', 'height', 'index'],
  pageInsert: FILE_INDEX_PFN,
  pageDelete: FILE_INDEX_PFN,
  gpuInsert: ['file', 'index', 'gpu', 'pfn'],
  gpuDelete: ['file', 'index', 'gpu', 'pfn'],
  stale: ['file', 'index', 'owner', 'pfn'],
  cacheHit: FILE_INDEX_PFN,
  cacheMiss: ['file', 'index'],
  treeHeight: ['file', 'height', 'previous'],
  rangeTag: ['file', 'index', 'pages', 'tag'],
  staleRetry: ['file', 'index', 'pfn', 'retry'],
};

const node = (t: RawTransition) => {
  const span = slotSpan(Math.max(1, t.before)) * MAP_SIZE;
  return { fields: { node: t.obj, file: t.idx, height: t.before, index: t.after }, text: `radix node ${t.obj} of file ${t.idx}, height ${t.before}${t.before === 1 ? ' (leaf)' : ''}, ${indices(t.after, span)}` };
};

const DESCRIBERS: Readonly<Record<PcKind, KindDescriber>> = {
  pcFile: (t) => pcFile(t),
  pcNode: pcNodeWord,
  pcSlot: pcNodeWord,
  pcGpuSlot: pcNodeWord,
  pcTag: pcNodeWord,
  pcTsvt: (t, m) => tsvtWrite(t, m, false),
  pcTsvtReset: (t, m) => tsvtWrite(t, m, true),
  pcLra: describeStructPage,
  diskRead: (t) => ({ fields: { file: t.obj, index: t.idx, pfn: t.before, bytes: t.after }, text: `disk read of file ${t.obj} index ${t.idx} into page pfn ${t.before} (${kib(t.after)})` }),
  diskWrite: (t) => ({ fields: { file: t.obj, index: t.idx, pages: t.before, bytes: t.after }, text: `write-back of file ${t.obj} ${indices(t.idx, t.before)} to disk: one I/O of ${kib(t.after)}` }),
  nodeAlloc: (t) => ({ fields: node(t).fields, text: `${node(t).text} allocated` }),
  nodeFree: (t) => ({ fields: node(t).fields, text: `${node(t).text} freed` }),
  pageInsert: (t) => ({ fields: { file: t.obj, index: t.idx, pfn: t.before }, text: `page pfn ${t.before} added to the page cache of file ${t.obj} at index ${t.idx}` }),
  pageDelete: (t) => ({ fields: { file: t.obj, index: t.idx, pfn: t.before }, text: `page pfn ${t.before} removed from the page cache of file ${t.obj} at index ${t.idx}` }),
  gpuInsert: (t, m) => ({
    fields: { file: t.obj, index: t.idx, gpu: pcGpuName(m, t.before), pfn: t.after },
    text: `add_to_page_cache_gpu: ${pcGpuName(m, t.before)} page (pfn ${t.after}) now caches file ${t.obj} ${indices(t.idx, GPU_GROUP)}`,
  }),
  gpuDelete: (t, m) => ({
    fields: { file: t.obj, index: t.idx, gpu: pcGpuName(m, t.before), pfn: t.after },
    text: `${pcGpuName(m, t.before)} page (pfn ${t.after}) of file ${t.obj} ${indices(t.idx, GPU_GROUP)} left the page cache`,
  }),
  stale: (t, m) => ({
    fields: { file: t.obj, index: t.idx, owner: tsvtProcName(m, t.before), pfn: t.after },
    text: `CPU page pfn ${t.after} of file ${t.obj} index ${t.idx} is stale: ${tsvtProcName(m, t.before)} has a newer version`,
  }),
  cacheHit: (t) => ({ fields: { file: t.obj, index: t.idx, pfn: t.before }, text: `page-cache hit: file ${t.obj} index ${t.idx} is page pfn ${t.before}` }),
  cacheMiss: (t) => ({ fields: { file: t.obj, index: t.idx }, text: `page-cache miss: file ${t.obj} index ${t.idx} is not cached` }),
  staleRetry: (t) => ({
    fields: { file: t.obj, index: t.idx, pfn: t.before, retry: t.after },
    text: t.after
      ? `get_page_from_gpu gave no page for file ${t.obj} index ${t.idx} (pfn ${t.before}): the fault retries the lookup`
      : `get_page_from_gpu failed twice for file ${t.obj} index ${t.idx}: the stale page pfn ${t.before} is mapped as it is`,
  }),
  treeHeight: (t) => ({
    fields: { file: t.obj, height: t.after, previous: t.before },
    text: `radix tree of file ${t.obj} ${t.after > t.before ? 'grows' : 'shrinks'} from height ${t.before} to ${t.after}`,
  }),
  rangeTag: (t) => ({
    fields: { file: t.obj, index: t.idx, pages: t.before, tag: TAG_NAMES[t.after] ?? String(t.after) },
    text: `tag pass on file ${t.obj} from index ${t.idx}: ${plural(t.before, 'page')} tagged ${TAG_NAMES[t.after] ?? t.after}`,
  }),
};

registerKinds(PK, PAGECACHE_FIELDS, DESCRIBERS);
