/**
 * Reading HMM's transitions (hmm/kinds.ts, state 44–49, events 135–154). The events are decoded from the payloads
 * kinds.ts documents. The state writes are decoded only as far as the kind and heap say (which record, which heap
 * word): hmm/state.ts, which holds the record layouts, was still being written when this was, so describeHmmWrite is
 * the one place to extend with its word names (as describe-cpu.ts does for struct page).
 */

import type { Model } from '../uvm/model';
import type { RawTransition } from './describe';
import { HK, HMM_DECLINE_NAMES, HMM_DIR_NAMES, HMM_ERR_NAMES, MMU_NOTIFY_NAMES } from '../hmm/kinds';
import { hex, plural, registerKinds, u32Id, type Decoded, type Fields, type KindDescriber } from './describe-support';

/** Device-private frames in migrate pfns sit above system RAM at this frame (hmm/state.ts DEVICE_FRAME_BASE). */
const DEVICE_FRAME_BASE = 2 ** 26;
const frame = (f: number): string => (f >= DEVICE_FRAME_BASE ? `device page ${f - DEVICE_FRAME_BASE}` : `pfn ${f}`);
const dir = (d: number): string => HMM_DIR_NAMES[d] ?? `direction ${d}`;
const access = (write: number): string => (write ? 'write' : 'read');

/** What each HMM state kind's record is (obj names one). */
const RECORDS: Readonly<Record<string, string>> = {
  hmmDevice: 'device',
  hmmChunk: 'chunk',
  hmmPage: 'device page',
  hmmPt: 'mirror page table',
  hmmMigrate: 'migrate entry',
  hmmMirror: 'mirror',
};

/** An HMM state write: its record and heap word. Extend with hmm/state.ts's word names once it has settled. */
export function describeHmmWrite(name: string, t: RawTransition, m: Model): Decoded {
  const record = RECORDS[name] ?? name;
  const id = u32Id(t.obj);
  const fields: Fields = { record, id, word: t.idx };
  const who = id < 0 ? `HMM ${record} header` : `HMM ${record} ${id}`;
  return { fields, text: `${who}: ${m.store.heapName(t.heap)} word ${t.idx} ${t.before} → ${t.after}` };
}

type HmmKind = keyof typeof HK;

const STATE = ['record', 'id', 'word'];
const CHUNK = ['chunk', 'device', 'page', 'pages'];
const MIGRATION = ['mm', 'direction', 'va', 'pages'];

export const HMM_FIELDS: Readonly<Record<HmmKind, readonly string[]>> = {
  hmmDevice: STATE,
  hmmChunk: STATE,
  hmmPage: STATE,
  hmmPt: STATE,
  hmmMigrate: STATE,
  hmmMirror: STATE,
  hmmChunkAlloc: CHUNK,
  hmmChunkRelease: CHUNK,
  hmmInvalidate: ['mirror', 'event', 'va', 'entries'],
  hmmMigrateStart: MIGRATION,
  hmmCollect: ['frame', 'entry', 'va', 'src'],
  hmmCopy: ['device', 'direction', 'bytes', 'ns'],
  hmmPageCopy: ['frame', 'action', 'va', 'source'],
  hmmDecline: ['entry', 'reason', 'va', 'src'],
  hmmDevicePrivateFault: ['mm', 'page', 'va', 'access'],
  hmmDeviceFault: ['mirror', 'access', 'va', 'result'],
  hmmDeviceAccess: ['mirror', 'access', 'va', 'entry'],
  hmmPageFree: ['page', 'device', 'recycled', 'pfn'],
  hmmMirrorOpen: ['mirror', 'device', 'mm'],
  hmmMigrateDone: MIGRATION,
  hmmError: ['mm', 'reason', 'va', 'errno'],
};

const chunk = (t: RawTransition, what: string): Decoded => ({
  fields: { chunk: t.obj, device: t.idx, page: t.before, pages: t.after },
  text: `${what}: chunk ${t.obj} of device ${t.idx}, device pages ${t.before}–${t.before + t.after - 1}`,
});
/** A migration's start or end: obj is the mm, or 0xffffffff for a device range (x is then a device page). */
const migration = (t: RawTransition, what: string): Decoded => {
  const mm = u32Id(t.obj);
  const from = mm < 0 ? `device page ${t.before}` : hex(t.before);
  return { fields: { mm, direction: dir(t.idx), va: t.before, pages: t.after }, text: `${what} ${dir(t.idx)}: ${plural(t.after, 'page')} from ${from}${mm < 0 ? '' : ` (mm ${mm})`}` };
};

const state = (name: HmmKind): KindDescriber => (t, m) => describeHmmWrite(name, t, m);

const DESCRIBERS: Readonly<Record<HmmKind, KindDescriber>> = {
  hmmDevice: state('hmmDevice'),
  hmmChunk: state('hmmChunk'),
  hmmPage: state('hmmPage'),
  hmmPt: state('hmmPt'),
  hmmMigrate: state('hmmMigrate'),
  hmmMirror: state('hmmMirror'),
  hmmChunkAlloc: (t) => chunk(t, 'dmirror_allocate_chunk (memremap_pages)'),
  hmmChunkRelease: (t) => chunk(t, 'chunk released (memunmap_pages)'),
  hmmInvalidate: (t) => ({
    fields: { mirror: t.obj, event: MMU_NOTIFY_NAMES[t.idx] ?? String(t.idx), va: t.before, entries: t.after },
    text: `mirror ${t.obj} invalidate (${MMU_NOTIFY_NAMES[t.idx] ?? t.idx}) from ${hex(t.before)}: ${t.after < 0 ? 'skipped, the migration is its own' : `${plural(t.after, 'pt entry')} erased`}`,
  }),
  hmmMigrateStart: (t) => migration(t, 'migration starts'),
  hmmMigrateDone: (t) => migration(t, 'migration window done'),
  hmmCollect: (t) => ({
    fields: { frame: frame(t.obj), entry: t.idx, va: t.before, src: hex(t.after) },
    text: `migrate collect: src[${t.idx}] = ${frame(t.obj)} for VA ${hex(t.before)}`,
  }),
  hmmCopy: (t) => ({
    fields: { device: t.obj, direction: dir(t.idx), bytes: t.before, ns: t.after },
    text: `device ${t.obj} copies ${t.before} bytes ${dir(t.idx)} in ${(t.after / 1000).toFixed(2)} µs`,
  }),
  hmmPageCopy: (t) => ({
    fields: { frame: frame(t.obj), action: t.idx ? 'clear' : 'copy', va: t.before, source: t.after < 0 ? 'none' : frame(t.after) },
    text: t.idx ? `${frame(t.obj)} cleared for VA ${hex(t.before)}` : `${frame(t.after)} copied to ${frame(t.obj)} for VA ${hex(t.before)}`,
  }),
  hmmDecline: (t) => ({
    fields: { entry: t.obj, reason: HMM_DECLINE_NAMES[t.idx] ?? String(t.idx), va: t.before, src: hex(t.after) },
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
    fields: { mirror: t.obj, access: access(t.idx), va: t.before, entry: t.after },
    text: `mirror ${t.obj} device ${access(t.idx)} of ${hex(t.before)} hits its page table (entry ${hex(t.after)})`,
  }),
  hmmPageFree: (t) => ({
    fields: { page: t.obj, device: t.idx, recycled: t.before, pfn: t.after },
    text: `device page ${t.obj} of device ${t.idx} freed${t.before ? ' onto free_pages' : ' (its chunk is being removed)'}, backing pfn ${t.after}`,
  }),
  hmmMirrorOpen: (t) => ({ fields: { mirror: t.obj, device: t.idx, mm: t.before }, text: `mirror ${t.obj} opened on device ${t.idx} for mm ${t.before}` }),
  hmmError: (t) => ({
    fields: { mm: t.obj, reason: HMM_ERR_NAMES[t.idx] ?? String(t.idx), va: t.before, errno: t.after },
    text: `HMM gave up at ${hex(t.before)}: ${HMM_ERR_NAMES[t.idx] ?? t.idx} (errno ${t.after})`,
  }),
};

registerKinds(HK, HMM_FIELDS, DESCRIBERS);
