/**
 * Reading the CPU memory manager's transitions (cpu/kinds.ts, state 38–43, events 120–134): struct page
 * (cpu/memmap.ts), VMAs and mm_structs (cpu/vma.ts), page tables and PTEs (cpu/pgtable.ts, cpu/pte.ts), and the
 * fault, TLB, msync and munmap events.
 */

import { EVENT_HEAP } from '../core/store';
import type { Model } from '../uvm/model';
import type { RawTransition } from './describe';
import { MK } from '../cpu/kinds';
import { P_COUNT, P_FLAGS, P_GPU_VMA, P_INDEX, P_LRA_NEXT, P_LRA_PREV, P_MAPCOUNT, P_MAPPING, P_NEXT, PAGE_WORDS, PG_NAMES } from '../cpu/memmap';
import { MM_WORDS, V_FILE, V_FLAGS, V_MM, V_NEXT, VM_NAMES, VMA_WORDS } from '../cpu/vma';
import { ENTRIES, entrySpan, LEVEL_NAMES, LEVEL_PGD, T_ENTRIES, T_INDEX, T_LEVEL, T_PARENT, TABLE_WORDS } from '../cpu/pgtable';
import { describePte, PTE_KIND_NAMES, pteKind, ptePfn, pteWritable } from '../cpu/pte';
import { VmFault } from '../cpu/fault';
import { heapId, hex, logTable, plural, registerKinds, u32Id, type Decoded, type Fields, type KindDescriber } from './describe-support';

/** Header words of mm.pages, mm.vmas and mm.mms (memmap.ts / vma.ts HEADER; checked against the model by the tests). */
export const MEMMAP_HEADER = 4;
export const VMAS_HEADER = 2;
export const MMS_HEADER = 2;
/** mm.pgtables header words before the first table (pgtable.ts HEADER). */
export const PGTABLE_HEADER = 2;

const PAGE_FIELD_NAMES = ['flags', 'count', 'mapcount', 'mapping', 'index', 'next', 'gpu_vma', 'lra_prev', 'lra_next', 'word9'];
const MEMMAP_HEADER_NAMES = ['next_pfn', 'free_head', 'free_count', 'used'];
const VMA_FIELD_NAMES = ['mm', 'flags', 'file', 'pgoff', 'next', 'word5'];
const MM_FIELD_NAMES = ['live', 'pgd', 'vmas', 'rss_file', 'rss_anon', 'word5'];
const TABLE_FIELD_NAMES = ['mm', 'level', 'parent', 'index', 'count', 'pfn', 'word6', 'word7'];

const ref = (v: number, what: string): string => (v === 0 ? 'none' : `${what} ${v - 1}`);
/** Names of the bits set in v, from a list indexed by bit. */
function bitNames(v: number, names: readonly string[]): string[] {
  const out: string[] = [];
  for (let b = 0; b < 32; b++) if ((v >>> b) & 1) out.push(names[b] ?? `bit${b}`);
  return out;
}
const flagList = (v: number, names: readonly string[]): string => bitNames(v, names).join(' ') || 'none';

// ---------------------------------------------------------------- page tables in the log

/** A CPU page table (never freed: cpu/pgtable.ts), from its pgtableAlloc event and its header writes. */
interface TableInfo {
  mm: number;
  level: number;
  parent: number;
  index: number;
}

const tables = logTable(
  (store) => ({ heap: heapId(store, 'mm.pgtables'), info: new Map<number, TableInfo>() }),
  (tb, store, t) => {
    const heap = store.heapOf(t);
    const kind = store.kindOf(t);
    if (heap === EVENT_HEAP ? kind !== MK.pgtableAlloc : heap !== tb.heap || kind !== MK.pgtable || store.indexOf(t) < PGTABLE_HEADER) return;
    let info = tb.info.get(store.objOf(t));
    if (!info) tb.info.set(store.objOf(t), (info = { mm: -1, level: 0, parent: -1, index: 0 }));
    if (heap === EVENT_HEAP) Object.assign(info, { mm: store.indexOf(t), level: store.beforeOf(t) });
    else if ((store.indexOf(t) - PGTABLE_HEADER) % TABLE_WORDS === T_PARENT) info.parent = store.afterOf(t) - 1;
    else if ((store.indexOf(t) - PGTABLE_HEADER) % TABLE_WORDS === T_INDEX) info.index = store.afterOf(t);
  },
);

/** A CPU page table's mm, level and the first VA it maps (0 for a PGD), or null when it is not in the log. */
export function pageTable(m: Model, table: number): { mm: number; level: number; va: number } | null {
  const info = tables(m.store).info;
  const t = info.get(table);
  if (!t || t.level === 0) return null;
  let va = 0;
  for (let cur = t, guard = 0; cur.level < LEVEL_PGD && guard < LEVEL_PGD; guard++) {
    va += cur.index * entrySpan(cur.level + 1);
    const up = info.get(cur.parent);
    if (!up) break;
    cur = up;
  }
  return { mm: t.mm, level: t.level, va };
}

// ---------------------------------------------------------------- struct page

export const PAGE_FLAG_FIELDS = ['pfn', 'field', 'flag', 'action', 'flags'];
export const PAGE_FIELD_FIELDS = ['pfn', 'field', 'file', 'page', 'vma', 'va'];
/** Fields of any mm.pages write (pageFlags, pageField and GAIA's pcLra links). */
export const STRUCT_PAGE_FIELDS = [...new Set([...PAGE_FLAG_FIELDS, ...PAGE_FIELD_FIELDS])];

function pageFlagsWrite(pfn: number, before: number, after: number): Decoded {
  const gained = (after & ~before) >>> 0;
  const lost = (before & ~after) >>> 0;
  const flag = bitNames(gained | lost, PG_NAMES).join('|');
  const act = gained && lost ? 'changed' : gained ? 'set' : 'cleared';
  const fields: Fields = { pfn, field: 'flags', flag, action: act, flags: flagList(after, PG_NAMES) };
  const what = gained && lost ? `+${bitNames(gained, PG_NAMES).join(' +')} −${bitNames(lost, PG_NAMES).join(' −')}` : `PG_${flag.split('|').join(' PG_')} ${act}`;
  return { fields, text: `struct page pfn ${pfn}: ${what}` };
}

/** Any write to mm.pages or mm.pages.private: the flags word, another struct page word, or the allocator's header. */
export function describeStructPage(t: RawTransition, m: Model): Decoded {
  if (t.heap === heapId(m.store, 'mm.pages.private')) {
    const fields: Fields = { pfn: t.idx, field: 'shared_addr', va: t.after };
    return { fields, text: `struct page pfn ${t.idx} GAIA shared_addr: ${hex(t.before)} → ${hex(t.after)}` };
  }
  if (t.idx < MEMMAP_HEADER) {
    const field = MEMMAP_HEADER_NAMES[t.idx];
    const show = (v: number) => (t.idx === 1 ? ref(v, 'pfn') : String(v));
    return { fields: { field }, text: `frame allocator ${field}: ${show(t.before)} → ${show(t.after)}` };
  }
  const pfn = Math.floor((t.idx - MEMMAP_HEADER) / PAGE_WORDS);
  const w = (t.idx - MEMMAP_HEADER) % PAGE_WORDS;
  if (w === P_FLAGS) return pageFlagsWrite(pfn, t.before, t.after);
  const field = PAGE_FIELD_NAMES[w];
  const fields: Fields = { pfn, field };
  const at = `struct page pfn ${pfn}`;
  const v = t.after || t.before;
  switch (w) {
    case P_MAPPING:
      fields.file = v - 1;
      return { fields, text: `${at} mapping: ${ref(t.before, 'file')} → ${ref(t.after, 'file')}` };
    case P_NEXT:
    case P_LRA_PREV:
    case P_LRA_NEXT: {
      fields.page = v - 1;
      const name = w === P_NEXT ? 'free-list link' : `gpu_lra ${w === P_LRA_PREV ? 'prev' : 'next'}`;
      return { fields, text: `${at} ${name}: ${ref(t.before, 'pfn')} → ${ref(t.after, 'pfn')}` };
    }
    case P_GPU_VMA:
      fields.vma = v - 1;
      return { fields, text: `${at} GAIA gpu_maped_vma: ${ref(t.before, 'VMA')} → ${ref(t.after, 'VMA')}` };
    case P_COUNT:
      return { fields, text: `${at} _count (references): ${t.before} → ${t.after}` };
    case P_MAPCOUNT:
      return { fields, text: `${at} mapcount (PTEs mapping it): ${t.before} → ${t.after}` };
    case P_INDEX:
      return { fields, text: `${at} index (page of its file or VA page): ${t.before} → ${t.after}` };
    default:
      return { fields, text: `${at} ${field}: ${t.before} → ${t.after}` };
  }
}

// ---------------------------------------------------------------- VMAs, mm_structs, page tables

function vmaWrite(t: RawTransition, m: Model): Decoded {
  if (t.heap === heapId(m.store, 'mm.vmas.range')) {
    const vma = Math.floor(t.idx / 2);
    const field = t.idx % 2 ? 'end' : 'start';
    return { fields: { vma, field, va: t.after }, text: `VMA ${vma} ${field}: ${hex(t.before)} → ${hex(t.after)}` };
  }
  if (t.idx < VMAS_HEADER) {
    const field = t.idx === 0 ? 'vmas' : 'free_head';
    const show = (v: number) => (t.idx === 0 ? String(v) : ref(v, 'VMA'));
    return { fields: { vma: t.obj, field }, text: `${t.idx === 0 ? 'VMA ids handed out' : 'free VMA list head'}: ${show(t.before)} → ${show(t.after)}` };
  }
  const vma = Math.floor((t.idx - VMAS_HEADER) / VMA_WORDS);
  const w = (t.idx - VMAS_HEADER) % VMA_WORDS;
  const field = VMA_FIELD_NAMES[w];
  const fields: Fields = { vma, field };
  let show = (v: number) => String(v);
  if (w === V_MM) {
    fields.mm = (t.after || t.before) - 1;
    show = (v) => ref(v, 'mm');
  } else if (w === V_FLAGS) {
    fields.flags = flagList(t.after, VM_NAMES);
    show = (v) => flagList(v, VM_NAMES);
  } else if (w === V_FILE) {
    fields.file = t.after - 1;
    show = (v) => (v ? `file ${v - 1}` : 'anonymous');
  } else if (w === V_NEXT) show = (v) => ref(v, 'VMA');
  return { fields, text: `VMA ${vma} ${field === 'pgoff' ? 'vm_pgoff' : field}: ${show(t.before)} → ${show(t.after)}` };
}

function mmWrite(t: RawTransition): Decoded {
  if (t.idx < MMS_HEADER) return { fields: { mm: t.obj, field: t.idx === 0 ? 'mms' : `header${t.idx}` }, text: `mm_structs: ${t.before} → ${t.after}` };
  const mm = Math.floor((t.idx - MMS_HEADER) / MM_WORDS);
  const w = (t.idx - MMS_HEADER) % MM_WORDS;
  const field = MM_FIELD_NAMES[w];
  const show = (v: number) => (field === 'pgd' ? ref(v, 'table') : field === 'vmas' ? ref(v, 'VMA') : String(v));
  return { fields: { mm, field }, text: `mm ${mm} ${field === 'vmas' ? 'first VMA' : field}: ${show(t.before)} → ${show(t.after)}` };
}

/** Table and entry of a mm.pgtables word, or the word of the table's header (entry -1). */
function tableWord(idx: number): { table: number; w: number; entry: number } {
  const table = Math.floor((idx - PGTABLE_HEADER) / TABLE_WORDS);
  const w = (idx - PGTABLE_HEADER) % TABLE_WORDS;
  return { table, w, entry: w >= T_ENTRIES ? w - T_ENTRIES : -1 };
}

function pgtableWrite(t: RawTransition, m: Model): Decoded {
  if (t.idx < PGTABLE_HEADER) return { fields: { table: t.obj, field: 'tables' }, text: `page tables allocated: ${t.before} → ${t.after}` };
  const { table, w, entry } = tableWord(t.idx);
  const info = pageTable(m, table);
  const fields: Fields = { table };
  if (info) Object.assign(fields, { level: LEVEL_NAMES[info.level], mm: info.mm });
  const name = info ? `${LEVEL_NAMES[info.level]} table ${table}` : `page table ${table}`;
  if (entry < 0) {
    fields.field = TABLE_FIELD_NAMES[w];
    const show = (v: number) => (w === T_PARENT ? ref(v, 'table') : w === T_LEVEL ? (v ? LEVEL_NAMES[v] || String(v) : 'none') : String(v));
    return { fields, text: `${name} ${fields.field}: ${show(t.before)} → ${show(t.after)}` };
  }
  Object.assign(fields, { field: 'entry', entry, child: (t.after || t.before) - 1 });
  let covers = '';
  if (info) {
    fields.va = info.va + entry * entrySpan(info.level);
    covers = ` (VA ${hex(fields.va)})`;
  }
  return { fields, text: `${name} entry ${entry}${covers}: ${ref(t.before, 'table')} → ${ref(t.after, 'table')}` };
}

function pteWrite(t: RawTransition, m: Model): Decoded {
  const { table, entry } = tableWord(t.idx);
  const info = pageTable(m, table);
  const v = t.after || t.before;
  const fields: Fields = { table, entry, pte: describePte(t.after), previous: describePte(t.before), pfn: ptePfn(v), pteKind: PTE_KIND_NAMES[pteKind(t.after)], writable: pteWritable(t.after) ? 1 : 0 };
  if (!info) return { fields, text: `PTE ${entry} of table ${table}: ${describePte(t.before)} → ${describePte(t.after)}` };
  fields.mm = info.mm;
  fields.va = info.va + (entry % ENTRIES) * entrySpan(1);
  return { fields, text: `PTE of VA ${hex(fields.va)} (mm ${info.mm}): ${describePte(t.before)} → ${describePte(t.after)}` };
}

// ---------------------------------------------------------------- the table

type CpuKind = keyof typeof MK;

const MM_VMA_VA = ['mm', 'vma', 'va'];
const RANGE = ['mm', 'va', 'bytes'];
const VMA_EVENT = ['mm', 'vma', 'va', 'bytes'];

export const CPU_FIELDS: Readonly<Record<CpuKind, readonly string[]>> = {
  pageFlags: PAGE_FLAG_FIELDS,
  pageField: PAGE_FIELD_FIELDS,
  vma: ['vma', 'field', 'mm', 'flags', 'file', 'va'],
  pgtable: ['table', 'field', 'level', 'mm', 'entry', 'child', 'va'],
  pte: ['table', 'entry', 'pte', 'previous', 'pfn', 'pteKind', 'writable', 'mm', 'va'],
  mm: ['mm', 'field'],
  mmFault: [...MM_VMA_VA, 'access'],
  pgtableAlloc: ['table', 'mm', 'level', 'pfn'],
  zeroPage: ['pfn', 'mm', 'va'],
  cowCopy: ['pfn', 'mm', 'va', 'source'],
  wpShared: [...MM_VMA_VA, 'pfn'],
  tlbFlush: ['mm', 'va', 'pages'],
  msync: RANGE,
  munmap: RANGE,
  unmapMappingRange: ['file', 'index', 'pages', 'ptes'],
  swapEntryFault: [...MM_VMA_VA, 'pte', 'pteKind'],
  mkclean: ['pfn', 'ptes'],
  vmaCreate: VMA_EVENT,
  vmaRemove: VMA_EVENT,
  faultError: [...MM_VMA_VA, 'result'],
};

const VM_FAULT_NAMES: readonly [string, number][] = Object.entries(VmFault);
const faultResult = (bits: number): string => VM_FAULT_NAMES.filter(([, b]) => bits & b).map(([n]) => `VM_FAULT_${n.toUpperCase()}`).join('|') || String(bits);
const inVma = (v: number): string => (u32Id(v) < 0 ? 'outside any VMA' : `in VMA ${v}`);

const DESCRIBERS: Readonly<Record<CpuKind, KindDescriber>> = {
  pageFlags: describeStructPage,
  pageField: describeStructPage,
  vma: vmaWrite,
  pgtable: pgtableWrite,
  pte: pteWrite,
  mm: (t) => mmWrite(t),
  mmFault: (t) => ({
    fields: { mm: t.obj, vma: u32Id(t.idx), va: t.before, access: t.after ? 'write' : 'read' },
    text: `CPU ${t.after ? 'write' : 'read'} fault at ${hex(t.before)} ${inVma(t.idx)} (handle_mm_fault, mm ${t.obj})`,
  }),
  pgtableAlloc: (t) => ({
    fields: { table: t.obj, mm: t.idx, level: LEVEL_NAMES[t.before] ?? String(t.before), pfn: t.after },
    text: `${LEVEL_NAMES[t.before] ?? 'page'} table ${t.obj} allocated for mm ${t.idx} in page pfn ${t.after}`,
  }),
  zeroPage: (t) => ({ fields: { pfn: t.obj, mm: t.idx, va: t.before }, text: `zeroed anonymous page pfn ${t.obj} for VA ${hex(t.before)} (mm ${t.idx})` }),
  cowCopy: (t) => ({
    fields: { pfn: t.obj, mm: t.idx, va: t.before, source: t.after },
    text: `copy-on-write: page pfn ${t.after} copied to pfn ${t.obj} for VA ${hex(t.before)} (mm ${t.idx})`,
  }),
  wpShared: (t) => ({
    fields: { mm: t.obj, vma: t.idx, va: t.before, pfn: t.after },
    text: `write to shared page pfn ${t.after} at ${hex(t.before)}: its PTE made writable (wp_page_shared, VMA ${t.idx})`,
  }),
  tlbFlush: (t) => ({ fields: { mm: t.obj, va: t.before, pages: t.after }, text: `TLB flush of ${plural(t.after, 'page')} from ${hex(t.before)} (mm ${t.obj})` }),
  msync: (t) => ({ fields: { mm: t.obj, va: t.before, bytes: t.after }, text: `msync(MS_SYNC) of ${t.after} bytes from ${hex(t.before)} (mm ${t.obj})` }),
  munmap: (t) => ({ fields: { mm: t.obj, va: t.before, bytes: t.after }, text: `munmap of ${t.after} bytes from ${hex(t.before)} (mm ${t.obj})` }),
  unmapMappingRange: (t) => ({
    fields: { file: t.obj, index: t.idx, pages: t.before, ptes: t.after },
    text: `unmap_mapping_range on file ${t.obj}, ${plural(t.before, 'page')} from index ${t.idx}: ${plural(t.after, 'PTE')} removed`,
  }),
  swapEntryFault: (t) => ({
    fields: { mm: t.obj, vma: t.idx, va: t.before, pte: describePte(t.after), pteKind: PTE_KIND_NAMES[pteKind(t.after)] },
    text: `fault at ${hex(t.before)} found a swap-type PTE: ${describePte(t.after)} (VMA ${t.idx})`,
  }),
  mkclean: (t) => ({ fields: { pfn: t.obj, ptes: t.before }, text: `page_mkclean: ${plural(t.before, 'PTE')} of page pfn ${t.obj} write-protected` }),
  vmaCreate: (t) => ({
    fields: { mm: t.obj, vma: t.idx, va: t.before, bytes: t.after - t.before },
    text: `VMA ${t.idx} created in mm ${t.obj}: ${hex(t.before)}–${hex(t.after)}`,
  }),
  vmaRemove: (t) => ({
    fields: { mm: t.obj, vma: t.idx, va: t.before, bytes: t.after - t.before },
    text: `VMA ${t.idx} removed from mm ${t.obj}: ${hex(t.before)}–${hex(t.after)}`,
  }),
  faultError: (t) => ({
    fields: { mm: t.obj, vma: u32Id(t.idx), va: t.before, result: faultResult(t.after) },
    text: `CPU fault at ${hex(t.before)} ${inVma(t.idx)} ended with ${faultResult(t.after)}`,
  }),
};

registerKinds(MK, CPU_FIELDS, DESCRIBERS);
