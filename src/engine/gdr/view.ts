/**
 * The gdrcopy state at the cursor as plain data for the app: open files with their address_spaces, device buffers,
 * mrs with handles and page tables (and the runs gdrdrv_mmap makes of them), and the VMAs with their present PTEs.
 */

import { coalesce } from './bar1';
import type { Gdr } from './gdr';
import { MAPPING_TYPE_NAMES } from './kinds';
import * as L from './state';

export interface GdrFileView {
  id: number;
  process: number;
  open: boolean;
  /** filp->f_mapping: 0 = the inode's shared i_mapping, f + 1 = file f's private one. */
  addressSpace: number;
  nextHandle: number;
  /** mrs on its mr_list. */
  mrs: number[];
}

export interface GdrAddressSpaceView {
  id: number;
  name: string;
  files: number[];
  /** Live VMAs in its i_mmap. */
  vmas: number[];
}

export interface GdrBufferView {
  id: number;
  gpu: number;
  va: number;
  size: number;
  freed: boolean;
}

export interface GdrMrView {
  id: number;
  file: number;
  buffer: number;
  /**
   * pinning: __gdrdrv_pin_buffer has not finished; pinned: on the file's mr_list; unlinking: off the list, being
   * freed; freed; refused: the pin failed and the mr was freed.
   */
  state: 'pinning' | 'pinned' | 'freed' | 'refused' | 'unlinking';
  /** The free callback holds mr->sem for writing (the mr is mid-change). */
  locked: boolean;
  handle: number;
  /** The mmap offset of the handle: handle << PAGE_SHIFT. */
  mmapOffset: number;
  addr: number;
  size: number;
  va: number;
  offset: number;
  mappedSize: number;
  entries: number;
  /** BAR1 bus address of each 64 KiB page, or null once freed (page_table = NULL). */
  pageTable: number[] | null;
  /** Physically contiguous runs: first entry, entries, bus address. */
  runs: { entry: number; pages: number; paddr: number }[];
  cbFlag: boolean;
  mappingType: string;
  vma: number;
  addressSpace: number;
}

export interface GdrVmaView {
  id: number;
  file: number;
  process: number;
  addressSpace: number;
  live: boolean;
  start: number;
  len: number;
  pgoff: number;
  mr: number;
  /** Present 4 KiB PTEs as [first, end) page runs. */
  present: [number, number][];
  ptes: number;
}

export interface GdrView {
  sharedInodeMapping: boolean;
  files: GdrFileView[];
  addressSpaces: GdrAddressSpaceView[];
  buffers: GdrBufferView[];
  mrs: GdrMrView[];
  vmas: GdrVmaView[];
}

const MR_STATES: GdrMrView['state'][] = ['pinning', 'pinned', 'freed', 'refused', 'unlinking'];

export function gdrView(g: Gdr): GdrView {
  const s = g.s;
  const files: GdrFileView[] = [];
  for (let f = 0; f < s.files; f++) {
    const mrs: number[] = [];
    for (let m = 0; m < s.mrs; m++) if (s.mr(m, L.M_STATE) === 1 && s.mr(m, L.M_FILE) === f) mrs.push(m);
    files.push({ id: f, process: s.file(f, L.F_PROC), open: s.file(f, L.F_OPEN) === 1, addressSpace: s.file(f, L.F_MAPPING), nextHandle: s.file(f, L.F_NEXT_HANDLE), mrs });
  }
  const vmas: GdrVmaView[] = [];
  for (let v = 0; v < s.vmas; v++) {
    vmas.push({
      id: v,
      file: s.vma(v, L.V_FILE),
      process: s.vma(v, L.V_PROC),
      addressSpace: s.vma(v, L.V_MAPPING),
      live: s.vma(v, L.V_STATE) === 1,
      start: s.vma(v, L.V_START),
      len: s.vma(v, L.V_LEN),
      pgoff: s.vma(v, L.V_PGOFF),
      mr: s.vma(v, L.V_MR) - 1,
      present: s.presentRuns(v),
      ptes: s.vma(v, L.V_PRESENT),
    });
  }
  const addressSpaces: GdrAddressSpaceView[] = [];
  const spaceIds = [L.INODE_MAPPING, ...files.filter((f) => f.addressSpace !== L.INODE_MAPPING).map((f) => f.addressSpace)];
  for (const id of spaceIds) {
    addressSpaces.push({
      id,
      name: id === L.INODE_MAPPING ? 'inode->i_mapping (shared)' : `file ${id - 1} private mapping`,
      files: files.filter((f) => f.addressSpace === id).map((f) => f.id),
      vmas: vmas.filter((v) => v.live && v.addressSpace === id).map((v) => v.id),
    });
  }
  const buffers: GdrBufferView[] = [];
  for (let b = 0; b < s.buffers; b++) {
    buffers.push({ id: b, gpu: s.buffer(b, L.B_GPU), va: s.buffer(b, L.B_VA), size: s.buffer(b, L.B_SIZE), freed: s.buffer(b, L.B_STATE) === 2 });
  }
  const mrs: GdrMrView[] = [];
  for (let m = 0; m < s.mrs; m++) {
    const pageTable = s.pageTable(m);
    const handle = s.mr(m, L.M_HANDLE);
    mrs.push({
      id: m,
      file: s.mr(m, L.M_FILE),
      buffer: s.mr(m, L.M_BUFFER),
      state: MR_STATES[s.mr(m, L.M_STATE)],
      handle,
      mmapOffset: handle * L.PAGE_SIZE,
      addr: s.mr(m, L.M_ADDR),
      size: s.mr(m, L.M_SIZE),
      va: s.mr(m, L.M_VA),
      offset: s.mr(m, L.M_OFFSET),
      mappedSize: s.mr(m, L.M_MAPPED_SIZE),
      entries: s.mr(m, L.M_ENTRIES),
      pageTable,
      runs: pageTable ? coalesce(pageTable).map(([entry, pages, paddr]) => ({ entry, pages, paddr })) : [],
      cbFlag: s.mr(m, L.M_CB_FLAG) === 1,
      locked: s.mr(m, L.M_SEM) === 1,
      mappingType: MAPPING_TYPE_NAMES[s.mr(m, L.M_TYPE)],
      vma: s.mr(m, L.M_VMA) - 1,
      addressSpace: s.mr(m, L.M_MAPPING) - 1,
    });
  }
  return { sharedInodeMapping: g.sharedInodeMapping, files, addressSpaces, buffers, mrs, vmas };
}
