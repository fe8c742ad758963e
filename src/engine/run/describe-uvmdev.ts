/**
 * Reading the transitions of /dev/nvidia-uvm's files and VMAs (uvmdev/kinds.ts, state 61–63, events 200–209): the
 * records of uvmdev/state.ts and the events, whose payloads kinds.ts documents. address_space 0 is the device inode's
 * i_mapping; f + 1 is the private one uvm_open gave file f.
 */

import type { Model } from '../uvm/model';
import type { RawTransition } from './describe';
import { FD_TYPE_NAMES, UK, UVM_FAULT_OUTCOMES } from '../uvmdev/kinds';
import { FILE_WORDS, VMA_WORDS } from '../uvmdev/state';
import { heapId, hex, kib, plural, regionName, registerKinds, type Decoded, type KindDescriber } from './describe-support';

const FILE_FIELDS = ['process', 'fd_type', 'f_mapping', 'va_space_mapping'];
const VMA_FIELDS = ['state', 'file', 'process', 'address_space', 'region', 'vm_start', 'length', 'vm_pgoff', 'page_state_at', 'ptes'];
const HEADER_FIELDS = ['files', 'vmas', 'page_state_words', 'word3'];

/** An address_space id as the debugger names it. */
export function addressSpaceName(id: number): string {
  return id === 0 ? "the inode's i_mapping (shared)" : `file ${id - 1}'s private address_space`;
}

function describeWrite(t: RawTransition, m: Model): Decoded {
  const heap = m.store.heapName(t.heap);
  if (heap === 'uvm.ptes') {
    return { fields: { vma: t.obj, word: t.idx, before: t.before, after: t.after }, text: `VMA ${t.obj} page state (word ${t.idx}): ${hex(t.before)} → ${hex(t.after)}` };
  }
  let table = HEADER_FIELDS;
  let words = 1 << 30;
  let what = 'uvm';
  if (heap === 'uvm.files') [table, words, what] = [FILE_FIELDS, FILE_WORDS, 'file'];
  else if (heap === 'uvm.vmas') [table, words, what] = [VMA_FIELDS, VMA_WORDS, 'vma'];
  const field = table[t.idx % words] ?? `word${t.idx % words}`;
  const show = (v: number): string => {
    if (field === 'fd_type') return FD_TYPE_NAMES[v] ?? String(v);
    if (field === 'f_mapping' || field === 'address_space') return addressSpaceName(v);
    if (field === 'va_space_mapping') return v === 0 ? 'none' : addressSpaceName(v - 1);
    if (field === 'vm_start' || field === 'vm_pgoff') return hex(v);
    return String(v);
  };
  const who = what === 'uvm' ? '/dev/nvidia-uvm' : `${what} ${t.obj}`;
  const fields = what === 'uvm' ? { field, before: t.before, after: t.after } : { [what]: t.obj, field, before: t.before, after: t.after };
  return { fields, text: `${who} ${field}: ${show(t.before)} → ${show(t.after)}` };
}

const STATE_FIELDS = ['file', 'vma', 'field', 'before', 'after', 'word'];

type UvmDevKind = keyof typeof UK;

export const UVMDEV_FIELDS: Readonly<Record<UvmDevKind, readonly string[]>> = {
  uvmFile: STATE_FIELDS,
  uvmVma: STATE_FIELDS,
  uvmPte: STATE_FIELDS,
  uvmOpen: ['file', 'process', 'address_space', 'shared'],
  uvmVaSpace: ['file', 'process', 'address_space'],
  uvmMmap: ['vma', 'region', 'regionName', 'start', 'bytes'],
  uvmZapRange: ['address_space', 'process', 'pgoff', 'pages'],
  uvmZapVma: ['vma', 'process', 'other_process', 'ptes'],
  uvmVmFault: ['vma', 'page', 'outcome', 'process'],
};

const DESCRIBERS: Readonly<Record<UvmDevKind, KindDescriber>> = {
  uvmFile: describeWrite,
  uvmVma: describeWrite,
  uvmPte: describeWrite,
  uvmOpen: (t) => ({
    fields: { file: t.obj, process: t.idx, address_space: t.before, shared: t.after },
    text: `process ${t.idx} opens /dev/nvidia-uvm: file ${t.obj}, f_mapping = ${addressSpaceName(t.before)}`,
  }),
  uvmVaSpace: (t) => ({
    fields: { file: t.obj, process: t.idx, address_space: t.before },
    text: `uvm_va_space_create: process ${t.idx}'s va_space (file ${t.obj}) unmaps through ${addressSpaceName(t.before)}`,
  }),
  uvmMmap: (t, m) => ({
    fields: { vma: t.obj, region: t.idx, regionName: regionName(m, t.idx), start: t.before, bytes: t.after },
    text: `uvm_mmap: VMA ${t.obj} maps ${regionName(m, t.idx)} at ${hex(t.before)} (${kib(t.after)}), file offset = address`,
  }),
  uvmZapRange: (t) => ({
    fields: { address_space: t.obj, process: t.idx, pgoff: t.before, pages: t.after },
    text: `unmap_mapping_range on ${addressSpaceName(t.obj)} for process ${t.idx}: file pages ${hex(t.before)}+${t.after}`,
  }),
  uvmZapVma: (t) => ({
    fields: { vma: t.obj, process: t.idx, other_process: t.before, ptes: t.after },
    text: `${plural(t.after, 'PTE')} of VMA ${t.obj} (process ${t.idx}) zapped${t.before ? ' — another process’s mapping of the same addresses' : ''}`,
  }),
  uvmVmFault: (t) => ({
    fields: { vma: t.obj, page: t.idx, outcome: ['first_touch', 'skipped', 'remapped'][t.before] ?? String(t.before), process: t.after },
    text: `process ${t.after} CPU fault on VMA ${t.obj} page ${t.idx}: ${UVM_FAULT_OUTCOMES[t.before] ?? t.before}`,
  }),
};

registerKinds(UK, UVMDEV_FIELDS, DESCRIBERS);

/** The heap ids of uvmdev/state.ts in a run, or -1 (for tests). */
export function uvmDevHeaps(m: Model): { files: number; vmas: number; ptes: number } {
  return { files: heapId(m.store, 'uvm.files'), vmas: heapId(m.store, 'uvm.vmas'), ptes: heapId(m.store, 'uvm.ptes') };
}
