/**
 * Reading HMM's transitions (hmm/kinds.ts, state 44–49, events 135–154): the records of hmm/state.ts (devices,
 * chunks, device-private struct pages, mirrors, the mirrors' page-table xarrays, the migrate_vma arguments) and the
 * events, whose payloads kinds.ts documents. "frame" in payloads is a migrate-pfn frame: a system pfn, or
 * DEVICE_FRAME_BASE + a device page number. HMM devices are numbered as UVM processors (device d is GPU d).
 */

import type { Model } from '../uvm/model';
import type { RawTransition } from './describe';
import { HK, HMM_DECLINE_NAMES, HMM_DIR_NAMES, HMM_ERR_NAMES, MMU_NOTIFY_NAMES } from '../hmm/kinds';
import {
  A_ACTIVE,
  A_END,
  A_MM,
  A_PHASE,
  A_START,
  ARGS_HEADER,
  C_DEV,
  C_STATE,
  CHUNK_WORDS,
  DEV_WORDS,
  DEVICE_FRAME_BASE,
  describeMpfn,
  describePtEntry,
  DP_NAMES,
  isDeviceFrame,
  M_MM,
  M_ROOT,
  MIGRATE_PHASE_NAMES,
  MIRROR_WORDS,
  N_COUNT,
  N_SLOTS,
  NODE_WORDS,
  P_FLAGS as HMM_P_FLAGS,
  P_MM,
  P_NEXT,
  P_OWNER,
  P_RPAGE,
  PAGE_SIZE,
  PAGE_WORDS as HMM_PAGE_WORDS,
  V_FREE_HEAD,
  XA_LEVELS,
  XA_SLOTS,
} from '../hmm/state';
import { heapId, hex, kib, logTable, plural, procName, registerKinds, u32Id, type Decoded, type Fields, type KindDescriber } from './describe-support';

const dir = (d: number): string => HMM_DIR_NAMES[d] ?? `direction ${d}`;
const access = (write: number): string => (write ? 'write' : 'read');
const frame = (f: number): string => (isDeviceFrame(f) ? `device page ${f - DEVICE_FRAME_BASE}` : `pfn ${f}`);
const ref = (v: number, what: string): string => (v === 0 ? 'none' : `${what} ${v - 1}`);

/** hmm.devices words before device 1 (state.ts DEV_HEADER; checked against the model by the tests). */
export const HMM_DEV_HEADER = 4;
const GLOBAL_NAMES = ['chunks', 'mirrors', 'pt_nodes', 'word3'];
const DEV_NAMES = ['free_head', 'free_count', 'calloc', 'cfree', 'devmem_count', 'devmem_capacity', 'gone', 'word7'];
const CHUNK_NAMES = ['device', 'state', 'remove', 'base', 'pages', 'unused', 'allocated', 'word7'];
const CHUNK_STATES = ['none', 'live', 'released'];
const PAGE_NAMES = ['flags', 'refcount', 'next', 'rpage', 'owner', 'mm'];
const MIRROR_NAMES = ['device', 'mm', 'root', 'seq', 'faults', 'entries'];
const ARG_NAMES = ['active', 'phase', 'mm', 'start', 'end', 'npages', 'cpages', 'owner', 'flags', 'fault_page', 'start_pfn', 'word11'];
const ARGS_KINDS = ['none', 'migrate_vma', 'migrate_device_range'];

function bitNames(v: number, names: readonly string[]): string {
  const out: string[] = [];
  for (let b = 0; b < 32; b++) if ((v >>> b) & 1) out.push(names[b] ?? `bit${b}`);
  return out.join('|');
}

// ---------------------------------------------------------------- the mirrors' page tables in the log

/** Each xarray node's level (0 = root, XA_LEVELS - 1 = leaf) and first vpfn, from the root and child links. */
const ptNodes = logTable(
  (store) => ({ mirrors: heapId(store, 'hmm.mirrors'), pt: heapId(store, 'hmm.pt'), nodes: new Map<number, { level: number; vpfn: number }>() }),
  (tb, store, t) => {
    const heap = store.heapOf(t);
    const v = store.afterOf(t);
    if (heap === tb.mirrors && store.kindOf(t) === HK.hmmMirror && store.indexOf(t) % MIRROR_WORDS === M_ROOT && v) tb.nodes.set(v - 1, { level: 0, vpfn: 0 });
    if (heap !== tb.pt || store.kindOf(t) !== HK.hmmPt || !v) return;
    const n = Math.floor(store.indexOf(t) / NODE_WORDS);
    const slot = (store.indexOf(t) % NODE_WORDS) - N_SLOTS;
    const parent = tb.nodes.get(n);
    if (slot < 0 || !parent || parent.level >= XA_LEVELS - 1 || tb.nodes.has(v - 1)) return;
    tb.nodes.set(v - 1, { level: parent.level + 1, vpfn: parent.vpfn + slot * XA_SLOTS ** (XA_LEVELS - 1 - parent.level) });
  },
);

// ---------------------------------------------------------------- state writes

function deviceWrite(t: RawTransition): Decoded {
  if (t.idx < HMM_DEV_HEADER) {
    const field = GLOBAL_NAMES[t.idx];
    return { fields: { field }, text: `HMM ${field === 'pt_nodes' ? 'mirror page-table nodes' : field} allocated: ${t.before} → ${t.after}` };
  }
  const device = Math.floor((t.idx - HMM_DEV_HEADER) / DEV_WORDS) + 1;
  const w = (t.idx - HMM_DEV_HEADER) % DEV_WORDS;
  const field = DEV_NAMES[w];
  const fields: Fields = { device, field };
  if (w === V_FREE_HEAD) {
    fields.page = t.after - 1;
    return { fields, text: `HMM device ${device} free_pages head: ${ref(t.before, 'device page')} → ${ref(t.after, 'device page')}` };
  }
  return { fields, text: `HMM device ${device} ${field}: ${t.before} → ${t.after}` };
}

function chunkWrite(t: RawTransition): Decoded {
  const chunk = Math.floor(t.idx / CHUNK_WORDS);
  const w = t.idx % CHUNK_WORDS;
  const field = CHUNK_NAMES[w];
  const fields: Fields = { chunk, field };
  if (w === C_STATE) {
    fields.state = CHUNK_STATES[t.after] ?? String(t.after);
    return { fields, text: `HMM chunk ${chunk} state: ${CHUNK_STATES[t.before] ?? t.before} → ${fields.state}` };
  }
  if (w === C_DEV) fields.device = t.after;
  return { fields, text: `HMM chunk ${chunk} ${field}: ${t.before} → ${t.after}` };
}

function pageWrite(t: RawTransition, m: Model): Decoded {
  if (t.heap === heapId(m.store, 'hmm.pages.va')) {
    return { fields: { page: t.idx, field: 'va', va: t.after }, text: `device page ${t.idx} rmap VA: ${hex(t.before)} → ${hex(t.after)}` };
  }
  const page = Math.floor(t.idx / HMM_PAGE_WORDS);
  const w = t.idx % HMM_PAGE_WORDS;
  const field = PAGE_NAMES[w];
  const fields: Fields = { page, field };
  const at = `device page ${page}`;
  const v = t.after || t.before;
  switch (w) {
    case HMM_P_FLAGS: {
      const gained = (t.after & ~t.before) >>> 0;
      const lost = (t.before & ~t.after) >>> 0;
      const act = gained && lost ? 'changed' : gained ? 'set' : 'cleared';
      Object.assign(fields, { flag: bitNames(gained | lost, DP_NAMES), action: act, flags: bitNames(t.after, DP_NAMES) || 'none' });
      return { fields, text: `${at}: ${gained && lost ? `${bitNames(t.before, DP_NAMES) || 'none'} → ${fields.flags}` : `${bitNames(gained | lost, DP_NAMES).split('|').join(' ')} ${act}`}` };
    }
    case P_NEXT:
      fields.next = v - 1;
      return { fields, text: `${at} free-list link: ${ref(t.before, 'device page')} → ${ref(t.after, 'device page')}` };
    case P_RPAGE:
      fields.pfn = v - 1;
      return { fields, text: `${at} backing system page: ${ref(t.before, 'pfn')} → ${ref(t.after, 'pfn')}` };
    case P_OWNER:
      fields.mirror = v - 1;
      return { fields, text: `${at} owner: ${ref(t.before, 'mirror')} → ${ref(t.after, 'mirror')}` };
    case P_MM:
      fields.mm = v - 1;
      return { fields, text: `${at} rmap mm: ${ref(t.before, 'mm')} → ${ref(t.after, 'mm')}` };
    default:
      return { fields, text: `${at} ${field}: ${t.before} → ${t.after}` };
  }
}

function ptWrite(t: RawTransition, m: Model): Decoded {
  const node = Math.floor(t.idx / NODE_WORDS);
  const w = t.idx % NODE_WORDS;
  const fields: Fields = { mirror: t.obj, node };
  if (w < N_SLOTS) return { fields, text: `mirror ${t.obj} page-table node ${node} ${w === N_COUNT ? 'count' : `word ${w}`}: ${t.before} → ${t.after}` };
  const slot = w - N_SLOTS;
  fields.slot = slot;
  const at = ptNodes(m.store).nodes.get(node);
  if (at) fields.level = at.level;
  if (at && at.level < XA_LEVELS - 1) {
    fields.child = (t.after || t.before) - 1;
    return { fields, text: `mirror ${t.obj} page-table node ${node} slot ${slot}: ${ref(t.before, 'node')} → ${ref(t.after, 'node')} (level ${at.level + 1})` };
  }
  fields.entry = describePtEntry(t.after);
  const where = at ? `VA ${hex((at.vpfn + slot) * PAGE_SIZE)}` : `node ${node} slot ${slot}`;
  if (at) fields.va = (at.vpfn + slot) * PAGE_SIZE;
  return { fields, text: `mirror ${t.obj} device page table at ${where}: ${describePtEntry(t.before)} → ${describePtEntry(t.after)}` };
}

function migrateWrite(t: RawTransition): Decoded {
  if (t.idx >= ARGS_HEADER) {
    const entry = Math.floor((t.idx - ARGS_HEADER) / 2);
    const field = (t.idx - ARGS_HEADER) % 2 ? 'dst' : 'src';
    return { fields: { entry, field, mpfn: describeMpfn(t.after) }, text: `migrate ${field}[${entry}]: ${describeMpfn(t.before)} → ${describeMpfn(t.after)}` };
  }
  const field = ARG_NAMES[t.idx];
  const fields: Fields = { field };
  let show = (v: number) => String(v);
  if (t.idx === A_PHASE) {
    fields.phase = MIGRATE_PHASE_NAMES[t.after] ?? String(t.after);
    show = (v) => MIGRATE_PHASE_NAMES[v] ?? String(v);
  } else if (t.idx === A_ACTIVE) show = (v) => ARGS_KINDS[v] ?? String(v);
  else if (t.idx === A_START || t.idx === A_END) show = hex;
  else if (t.idx === A_MM) show = (v) => ref(v, 'mm');
  // fault_page holds the device page + 1 (0 = none); start_pfn a migrate frame (system pfn or device page)
  else if (field === 'fault_page') show = (v) => (v === 0 ? 'none' : `device page ${v - 1}`);
  else if (field === 'start_pfn') show = (v) => (v === 0 ? '0' : frame(v));
  return { fields, text: `migrate args ${field}: ${show(t.before)} → ${show(t.after)}` };
}

function mirrorWrite(t: RawTransition): Decoded {
  const mirror = Math.floor(t.idx / MIRROR_WORDS);
  const w = t.idx % MIRROR_WORDS;
  const field = MIRROR_NAMES[w];
  const show = (v: number) => (w === M_ROOT ? ref(v, 'node') : w === M_MM ? ref(v, 'mm') : String(v));
  return { fields: { mirror, field }, text: `mirror ${mirror} ${field === 'seq' ? 'notifier sequence' : field}: ${show(t.before)} → ${show(t.after)}` };
}

type HmmKind = keyof typeof HK;

const CHUNK = ['chunk', 'device', 'gpu', 'page', 'pages'];
const MIGRATION = ['mm', 'direction', 'va', 'pages'];

export const HMM_FIELDS: Readonly<Record<HmmKind, readonly string[]>> = {
  hmmDevice: ['device', 'field', 'page'],
  hmmChunk: ['chunk', 'field', 'state', 'device'],
  hmmPage: ['page', 'field', 'flag', 'action', 'flags', 'next', 'pfn', 'mirror', 'mm', 'va'],
  hmmPt: ['mirror', 'node', 'slot', 'level', 'child', 'entry', 'va'],
  hmmMigrate: ['field', 'phase', 'entry', 'mpfn'],
  hmmMirror: ['mirror', 'field'],
  hmmChunkAlloc: CHUNK,
  hmmChunkRelease: CHUNK,
  hmmInvalidate: ['mirror', 'event', 'va', 'entries'],
  hmmMigrateStart: MIGRATION,
  hmmCollect: ['frame', 'entry', 'va', 'src'],
  hmmCopy: ['device', 'gpu', 'direction', 'bytes', 'ns'],
  hmmPageCopy: ['frame', 'action', 'va', 'source'],
  hmmDecline: ['entry', 'reason', 'va', 'src'],
  hmmDevicePrivateFault: ['mm', 'page', 'va', 'access'],
  hmmDeviceFault: ['mirror', 'access', 'va', 'result'],
  hmmDeviceAccess: ['mirror', 'access', 'va', 'entry'],
  hmmPageFree: ['page', 'device', 'gpu', 'recycled', 'pfn'],
  hmmMirrorOpen: ['mirror', 'device', 'gpu', 'mm'],
  hmmMigrateDone: MIGRATION,
  hmmError: ['mm', 'reason', 'va', 'errno'],
};

const chunk = (t: RawTransition, m: Model, what: string): Decoded => ({
  fields: { chunk: t.obj, device: t.idx, gpu: procName(m, t.idx), page: t.before, pages: t.after },
  text: `${what}: chunk ${t.obj} of ${procName(m, t.idx)}, device pages ${t.before}–${t.before + t.after - 1}`,
});
/** A migration's start or end: obj is the mm, or 0xffffffff for a device range (x is then a device page). */
const migration = (t: RawTransition, what: string): Decoded => {
  const mm = u32Id(t.obj);
  const from = mm < 0 ? `device page ${t.before}` : hex(t.before);
  return { fields: { mm, direction: dir(t.idx), va: t.before, pages: t.after }, text: `${what} ${dir(t.idx)}: ${plural(t.after, 'page')} from ${from}${mm < 0 ? '' : ` (mm ${mm})`}` };
};

const DESCRIBERS: Readonly<Record<HmmKind, KindDescriber>> = {
  hmmDevice: (t) => deviceWrite(t),
  hmmChunk: (t) => chunkWrite(t),
  hmmPage: pageWrite,
  hmmPt: ptWrite,
  hmmMigrate: (t) => migrateWrite(t),
  hmmMirror: (t) => mirrorWrite(t),
  hmmChunkAlloc: (t, m) => chunk(t, m, 'dmirror_allocate_chunk (memremap_pages)'),
  // the release event's y is the pages the eviction moved back to system memory, not the chunk's size
  hmmChunkRelease: (t, m) => ({
    fields: { chunk: t.obj, device: t.idx, gpu: procName(m, t.idx), page: t.before, pages: t.after },
    text: `chunk released (memunmap_pages): chunk ${t.obj} of ${procName(m, t.idx)} from device page ${t.before}, after ${plural(t.after, 'page')} moved back to system memory`,
  }),
  hmmInvalidate: (t) => ({
    fields: { mirror: t.obj, event: MMU_NOTIFY_NAMES[t.idx] ?? String(t.idx), va: t.before, entries: t.after },
    text: `mirror ${t.obj} invalidate (${MMU_NOTIFY_NAMES[t.idx] ?? t.idx}) from ${hex(t.before)}: ${t.after < 0 ? 'skipped, the migration is its own' : `${plural(t.after, 'pt entry')} erased`}`,
  }),
  hmmMigrateStart: (t) => migration(t, 'migration starts'),
  hmmMigrateDone: (t) => migration(t, 'migration window done'),
  hmmCollect: (t) => ({
    fields: { frame: frame(t.obj), entry: t.idx, va: t.before, src: describeMpfn(t.after) },
    text: `migrate collect: src[${t.idx}] = ${describeMpfn(t.after)} for VA ${hex(t.before)}`,
  }),
  hmmCopy: (t, m) => ({
    fields: { device: t.obj, gpu: procName(m, t.obj), direction: dir(t.idx), bytes: t.before, ns: t.after },
    text: `${procName(m, t.obj)} copy, ${dir(t.idx)}: ${kib(t.before)} in ${(t.after / 1000).toFixed(2)} µs`,
  }),
  hmmPageCopy: (t) => ({
    fields: { frame: frame(t.obj), action: t.idx ? 'clear' : 'copy', va: t.before, source: t.after < 0 ? 'none' : frame(t.after) },
    text: t.idx ? `${frame(t.obj)} cleared for VA ${hex(t.before)}` : `${frame(t.after)} copied to ${frame(t.obj)} for VA ${hex(t.before)}`,
  }),
  hmmDecline: (t) => ({
    fields: { entry: t.obj, reason: HMM_DECLINE_NAMES[t.idx] ?? String(t.idx), va: t.before, src: describeMpfn(t.after) },
    text: `page at ${hex(t.before)} (entry ${t.obj}) not migrated: ${HMM_DECLINE_NAMES[t.idx] ?? t.idx}`,
  }),
  hmmDevicePrivateFault: (t) => ({
    fields: { mm: t.obj, page: t.idx, va: t.before, access: access(t.after) },
    text: `CPU ${access(t.after)} fault at ${hex(t.before)} found device-private page ${t.idx} (migrate_to_ram, mm ${t.obj})`,
  }),
  hmmDeviceFault: (t) => ({
    fields: { mirror: t.obj, access: access(t.idx), va: t.before, result: t.after },
    text: `mirror ${t.obj} device ${access(t.idx)} fault at ${hex(t.before)} (hmm_range_fault): ${t.after ? `error ${t.after}` : 'ok'}`,
  }),
  hmmDeviceAccess: (t) => ({
    fields: { mirror: t.obj, access: access(t.idx), va: t.before, entry: describePtEntry(t.after) },
    text: `mirror ${t.obj} device ${access(t.idx)} of ${hex(t.before)} hits its page table: ${describePtEntry(t.after)}`,
  }),
  hmmPageFree: (t, m) => ({
    fields: { page: t.obj, device: t.idx, gpu: procName(m, t.idx), recycled: t.before, pfn: t.after },
    text: `device page ${t.obj} of ${procName(m, t.idx)} freed${t.before ? ' onto free_pages' : ' (its chunk is being removed)'}, backing pfn ${t.after}`,
  }),
  hmmMirrorOpen: (t, m) => ({
    fields: { mirror: t.obj, device: t.idx, gpu: procName(m, t.idx), mm: t.before },
    text: `mirror ${t.obj} opened on ${procName(m, t.idx)} (HMM device ${t.idx}) for mm ${t.before}`,
  }),
  hmmError: (t) => ({
    fields: { mm: t.obj, reason: HMM_ERR_NAMES[t.idx] ?? String(t.idx), va: t.before, errno: t.after },
    text: `HMM gave up at ${hex(t.before)}: ${HMM_ERR_NAMES[t.idx] ?? t.idx} (errno ${t.after})`,
  }),
};

registerKinds(HK, HMM_FIELDS, DESCRIBERS);
