/**
 * gdr_pin_buffer → ioctl(GDRDRV_IOC_PIN_BUFFER) → gdrdrv.c:__gdrdrv_pin_buffer.
 *
 * The range is rounded out to 64 KiB GPU pages; nvidia_p2p_get_pages pins them and returns a page table of BAR1 bus
 * addresses (bar1.ts says how the model places them); the mr gets handle = next_handle and next_handle advances by
 * mapped_size >> PAGE_SHIFT (gdr_generate_mr_handle: handles are in 4 KiB units, so [handle << PAGE_SHIFT,
 * + mapped_size) is an mmap offset range no other mr of this file uses).
 *
 * Cost: apiperf's 1346 µs for a 64 KiB pin on a V100 (published), charged whatever the size (an estimate: the
 * README gives only "10us-1ms depending on the buffer size" besides that one point).
 */

import { allocBar1Pages, bar1Base, bar1Pages } from './bar1';
import { fnGdrPin, fnPinBuffer } from './code';
import { PUBLISHED_API_US } from './cost';
import type { Gdr } from './gdr';
import { GdrError, GdrOp, GK } from './kinds';
import {
  B_GPU,
  B_SIZE,
  B_STATE,
  B_VA,
  F_MRS,
  F_NEXT_HANDLE,
  GPU_PAGE_SIZE,
  H_MRS,
  M_ADDR,
  M_BUFFER,
  M_ENTRIES,
  M_FILE,
  M_HANDLE,
  M_MAPPED_SIZE,
  M_OFFSET,
  M_SIZE,
  M_STATE,
  M_VA,
  PAGE_SHIFT,
} from './state';

/** BAR1 pages (indices from the GPU's BAR1 base) held by live page tables on `gpu`. */
function bar1InUse(g: Gdr, gpu: number): number[] {
  const s = g.s;
  const base = bar1Base(gpu);
  const used: number[] = [];
  for (let m = 0; m < s.mrs; m++) {
    if (s.buffer(s.mr(m, M_BUFFER), B_GPU) !== gpu) continue;
    const pt = s.pageTable(m);
    if (pt) for (const a of pt) used.push((a - base) / GPU_PAGE_SIZE);
  }
  return used;
}

export function pinBuffer(g: Gdr, file: number, buffer: number, offset: number, size: number): number {
  const { s, steps } = g;
  steps.enter(fnGdrPin.at.entry);
  steps.at(fnGdrPin.at.ioctl);
  steps.enter(fnPinBuffer.at.entry);

  // kmalloc the mr and fill in the aligned range; it joins the file's list only at the end
  steps.at(fnPinBuffer.at.align);
  const m = s.mrs;
  s.setHdr(H_MRS, m + 1, GK.gdrMr);
  const addr = s.buffer(buffer, B_VA) + offset;
  const va = Math.floor(addr / GPU_PAGE_SIZE) * GPU_PAGE_SIZE;
  const end = Math.ceil((addr + size) / GPU_PAGE_SIZE) * GPU_PAGE_SIZE;
  const entries = (end - va) / GPU_PAGE_SIZE;
  s.setMr(m, M_FILE, file);
  s.setMr(m, M_BUFFER, buffer);
  s.setMr(m, M_ADDR, addr);
  s.setMr(m, M_SIZE, size);
  s.setMr(m, M_VA, va);
  s.setMr(m, M_OFFSET, addr - va);
  s.setMr(m, M_MAPPED_SIZE, end - va);
  s.setMr(m, M_ENTRIES, entries);

  steps.at(fnPinBuffer.at.getPages);
  // the GPU driver accepts only live cudaMalloc memory; the buffer's VA range is reserved in 2 MiB steps, so a
  // range rounded out to 64 KiB stays inside the allocation as long as [addr, addr + size) does
  const gpu = s.buffer(buffer, B_GPU);
  const live = s.buffer(buffer, B_STATE) === 1 && offset + size <= s.buffer(buffer, B_SIZE);
  const pages = live ? allocBar1Pages(bar1InUse(g, gpu), bar1Pages(g.bar1Bytes), entries) : null;
  if (!pages) {
    steps.at(fnPinBuffer.at.failed);
    g.refuse(m, GdrOp.pin, live ? GdrError.noBar1 : GdrError.getPagesFailed);
    s.setMr(m, M_STATE, 3); // refused: gdr_free_mr_unlocked, never on the list
    steps.leave();
    steps.at(fnGdrPin.at.failed);
    steps.leave();
    return -1;
  }
  g.clock.spend(PUBLISHED_API_US.pin * 1000);
  const base = bar1Base(gpu);
  s.writePageTable(
    m,
    pages.map((p) => base + p * GPU_PAGE_SIZE),
  );

  steps.at(fnPinBuffer.at.pageSize);
  steps.at(fnPinBuffer.at.handle);
  const handle = s.file(file, F_NEXT_HANDLE);
  s.setMr(m, M_HANDLE, handle);
  s.setFile(file, F_NEXT_HANDLE, handle + Math.max(1, (end - va) / (1 << PAGE_SHIFT)));

  steps.at(fnPinBuffer.at.list);
  s.setMr(m, M_STATE, 1);
  s.setFile(file, F_MRS, s.file(file, F_MRS) + 1);
  g.store.event(GK.gdrPin, m, file, handle, entries);
  steps.leave();
  steps.at(fnGdrPin.at.ret);
  steps.leave();
  return m;
}
