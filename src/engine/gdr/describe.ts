/**
 * Reading gdrcopy transitions: decoded fields and a one-line text for each gdr kind, for run/describe.ts to call
 * (it returns null for kinds that are not gdrcopy's).
 */

import { GDR_ERRORS, GDR_OP_NAMES, GK, MAPPING_TYPE_NAMES } from './kinds';
import type { GdrState } from './state';
import { BUFFER_WORDS, FILE_WORDS, H_MMAP, MR_WORDS, VMA_WORDS } from './state';

export interface GdrDescription {
  fields: Record<string, number | string>;
  text: string;
}

const FILE_FIELDS = ['open', 'process', 'f_mapping', 'next_handle', 'mrs'];
const BUFFER_FIELDS = ['state', 'gpu', 'va', 'size'];
const MR_FIELDS = ['state', 'file', 'buffer', 'addr', 'size', 'handle', 'va', 'offset', 'mapped_size', 'entries', 'page_table', 'cb_flag', 'cpu_mapping_type', 'vma', 'mapping', 'sem'];
const VMA_FIELDS = ['state', 'vm_file', 'process', 'address_space', 'vm_start', 'length', 'vm_pgoff', 'mr', 'ptes_at', 'ptes'];
const HEADER_FIELDS = ['files', 'buffers', 'mrs', 'vmas', 'page_table_words', 'pte_words', 'next_device_va'];

/** Fields of any gdr state write (the heap decides which appear). */
const STATE_FIELDS = ['file', 'buffer', 'mr', 'vma', 'gdr', 'field', 'before', 'after', 'word', 'paddr'];

/** The fields describeGdrEvent / describeGdrWrite give each gdr kind, for the breakpoint-condition table (bp-fields.ts). */
export const GDR_DECODED_FIELDS: Readonly<Record<keyof typeof GK, readonly string[]>> = {
  gdrFile: STATE_FIELDS,
  gdrMr: STATE_FIELDS,
  gdrPages: STATE_FIELDS,
  gdrVma: STATE_FIELDS,
  gdrOpen: ['file', 'process', 'address_space', 'shared'],
  gdrPin: ['mr', 'file', 'handle', 'pages'],
  gdrMmap: ['mr', 'vma', 'start', 'bytes'],
  gdrRemap: ['vma', 'page', 'paddr', 'bytes'],
  gdrCopy: ['mr', 'direction', 'bytes', 'ns'],
  gdrFreeCallback: ['mr', 'file', 'handle', 'pages'],
  gdrZapRange: ['address_space', 'mr', 'pgoff', 'pages'],
  gdrZapVma: ['vma', 'mr', 'other_file', 'ptes'],
  gdrPutPages: ['mr', 'file', 'handle', 'pages'],
  gdrError: ['obj', 'op', 'errno', 'reason'],
};

const hex = (a: number) => `0x${a.toString(16)}`;
const kib = (b: number) => `${b / 1024} KiB`;

/** An event of a gdr kind, or null. */
export function describeGdrEvent(kind: number, obj: number, idx: number, x: number, y: number): GdrDescription | null {
  switch (kind) {
    case GK.gdrOpen:
      return { fields: { file: obj, process: idx, address_space: x, shared: y }, text: `process ${idx} opens /dev/gdrdrv: file ${obj} on ${y ? 'the shared inode mapping' : `its private address_space ${x}`}` };
    case GK.gdrPin:
      return { fields: { mr: obj, file: idx, handle: x, pages: y }, text: `file ${idx} pins mr ${obj}: ${y} GPU pages of 64 KiB, handle ${x} (mmap offset ${hex(x * 4096)})` };
    case GK.gdrMmap:
      return { fields: { mr: obj, vma: idx, start: x, bytes: y }, text: `mr ${obj} mapped write-combined at ${hex(x)}, ${kib(y)} (VMA ${idx})` };
    case GK.gdrRemap:
      return { fields: { vma: obj, page: idx, paddr: x, bytes: y }, text: `io_remap_pfn_range: VMA ${obj} page ${idx} → BAR1 ${hex(x)}, ${kib(y)}` };
    case GK.gdrCopy:
      return { fields: { mr: obj, direction: idx ? 'from-gpu' : 'to-gpu', bytes: x, ns: y }, text: `${idx ? 'gdr_copy_from_mapping' : 'gdr_copy_to_mapping'} of ${x} B through mr ${obj}: ${(y / 1000).toFixed(2)} µs` };
    case GK.gdrFreeCallback:
      return { fields: { mr: obj, file: idx, handle: x, pages: y }, text: `free callback: the GPU driver takes back the ${y} pages of mr ${obj} (file ${idx}, handle ${x})` };
    case GK.gdrZapRange:
      return { fields: { address_space: obj, mr: idx, pgoff: x, pages: y }, text: `unmap_mapping_range on address_space ${obj}: file pages [${x}, ${x + y}) for mr ${idx}` };
    case GK.gdrZapVma:
      return { fields: { vma: obj, mr: idx - 1, other_file: x, ptes: y }, text: `${y} PTEs of VMA ${obj} zapped${x ? ' — a mapping of another open file (its offsets collide)' : ''}` };
    case GK.gdrPutPages:
      return { fields: { mr: obj, file: idx, handle: x, pages: y }, text: `nvidia_p2p_put_pages: mr ${obj} unpinned, ${y} BAR1 pages released` };
    case GK.gdrError: {
      const e = GDR_ERRORS[y];
      return { fields: { obj, op: GDR_OP_NAMES[idx], errno: x, reason: e?.name ?? String(y) }, text: `${GDR_OP_NAMES[idx]} refused for ${obj}: ${e?.text ?? y}` };
    }
    default:
      return null;
  }
}

/** A state write to one of the gdr heaps, or null when the heap is not gdrcopy's. */
export function describeGdrWrite(s: GdrState, heap: number, i: number, obj: number, before: number, after: number): GdrDescription | null {
  let table: string[];
  let words: number;
  let what: string;
  if (heap === s.hFiles) [table, words, what] = [FILE_FIELDS, FILE_WORDS, 'file'];
  else if (heap === s.hBuffers) [table, words, what] = [BUFFER_FIELDS, BUFFER_WORDS, 'buffer'];
  else if (heap === s.hMrs) [table, words, what] = [MR_FIELDS, MR_WORDS, 'mr'];
  else if (heap === s.hVmas) [table, words, what] = [VMA_FIELDS, VMA_WORDS, 'vma'];
  else if (heap === s.hHdr) [table, words, what] = [HEADER_FIELDS, 1 << 30, 'gdr'];
  else if (heap === s.hPt) return { fields: { mr: obj, word: i, paddr: after }, text: `mr ${obj} page-table entry: ${before ? hex(before) : 'none'} → ${after ? hex(after) : 'none'}` };
  else if (heap === s.hBits) return { fields: { vma: obj, word: i, before, after }, text: `VMA ${obj} PTEs (word ${i}): ${hex(before)} → ${hex(after)}` };
  else return null;
  const field = what === 'gdr' && i >= H_MMAP ? `mmap_cursor[process ${i - H_MMAP}]` : (table[i % words] ?? `word${i % words}`);
  const show = (v: number) => (field === 'cpu_mapping_type' ? MAPPING_TYPE_NAMES[v] : /va|addr|start|cursor/.test(field) ? hex(v) : String(v));
  const who = what === 'gdr' ? 'gdr' : `${what} ${obj}`;
  return { fields: { [what]: obj, field, before, after }, text: `${who} ${field}: ${show(before)} → ${show(after)}` };
}
