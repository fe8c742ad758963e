/**
 * GAIA's get_page_from_gpu (gaia_linux mm/filemap.c) and the UVM callback it ends in, uvm_vm_retrive_cached_page
 * (gaia_nvidia kernel/nvidia-uvm/uvm8.c). pagecache_get_page_ucm calls it for a cached CPU page whose TSVT row is behind
 * the latest versions; it checks, in this order, that it was given a CPU page, that pagecache_get_gpu_page finds the
 * GPU page (present and PageonGPU), that the GPU page has private data, that the data names the GPU-mapped VMA, and
 * that the VMA has ucm_vm_ops with retrive_cached_page; any failure returns NULL. Then the callback pulls the page and
 * set_page_version_as_on(SYS_CPU, GPU_NVIDIA) records that the CPU has seen the GPU's version.
 *
 * GAIA's own paths never take those failing branches (docs/model.md says why for each); `gaia.inject` arms one, once,
 * and the path then fails at that check exactly as it would. What the caller does with NULL is filemap.ts's
 * (pagecache_get_page_ucm reports no page; filemap_fault retries the lookup).
 */

import type { Ctx } from '../uvm/context';
import type { LinuxSide } from '../linux/side';
import { PAGES_PER_BLOCK } from '../uvm/model';
import { PG, P_GPU_VMA } from '../cpu/memmap';
import { fnGetPageFromGpu, fnRetrieve } from './code';
import type { GaiaInjections } from './inject';
import { GK } from './kinds';

const PAGE = 4096;
/** Copying one 4 KiB page inside the host (copy_user_highpage), ns: an estimate at ~10 GB/s. */
export const HOST_PAGE_COPY_NS = 400;
/** GET_PAGE_FAILURES indices, in check order. */
const NO_CPU_PAGE = 0;
const NO_GPU_PAGE = 1;
const NO_PRIVATE_DATA = 2;
const NO_GPU_VMA = 3;
const NO_CALLBACK = 4;

/** get_page_from_gpu(mapping, off, page) for file `f`, shared with UVM processor `gpu` (0: not shared). */
export function getPageFromGpu(c: Ctx, linux: LinuxSide, inj: GaiaInjections, f: number, index: number, pfn: number, region: number, gpu: number): boolean {
  const { steps, store } = c;
  const pc = linux.cpu.pc;
  steps.enter(fnGetPageFromGpu.at.entry);
  const fail = (reason: number): boolean => {
    steps.at(fnGetPageFromGpu.at.fail);
    store.event(GK.getPageFailed, f, index, reason, pfn);
    steps.leave();
    return false;
  };
  steps.at(fnGetPageFromGpu.at.cpuPage);
  if (pfn < 0 || inj.fire(region, index, NO_CPU_PAGE)) return fail(NO_CPU_PAGE);
  steps.at(fnGetPageFromGpu.at.lookup);
  const gp = gpu > 0 ? pc.pagecacheGetGpuPage(f, index, gpu - 1) : -1;
  if (gp < 0 || inj.fire(region, index, NO_GPU_PAGE)) return fail(NO_GPU_PAGE);
  steps.at(fnGetPageFromGpu.at.pdata);
  if (!pc.mem.has(gp, PG.private) || inj.fire(region, index, NO_PRIVATE_DATA)) return fail(NO_PRIVATE_DATA);
  steps.at(fnGetPageFromGpu.at.vma);
  if (pc.mem.word(gp, P_GPU_VMA) === 0 || inj.fire(region, index, NO_GPU_VMA)) return fail(NO_GPU_VMA);
  steps.at(fnGetPageFromGpu.at.ops);
  // GAIA's uvm_mmap installs uvm_ucm_ops_managed (with retrive_cached_page) on every nvidia-uvm VMA
  if (inj.fire(region, index, NO_CALLBACK)) return fail(NO_CALLBACK);
  steps.at(fnGetPageFromGpu.at.retrieve);
  retrieve(c, linux, region, index, gpu);
  steps.at(fnGetPageFromGpu.at.version);
  pc.setPageVersionAsOn(f, index, pc.cpu, gpu - 1);
  steps.at(fnGetPageFromGpu.at.ret);
  steps.leave();
  return true;
}

/** uvm_vm_retrive_cached_page: 4 KiB read from the GPU (a DtoH copy into staging), merged, shadow refreshed. */
function retrieve(c: Ctx, linux: LinuxSide, region: number, index: number, gpu: number): void {
  const { steps, store, m } = c;
  const r = m.regions[region];
  const block = r.firstBlock + (index >>> 9);
  const pg = index & (PAGES_PER_BLOCK - 1);
  steps.enter(fnRetrieve.at.entry);
  steps.at(fnRetrieve.at.read);
  // uvm_va_block_read_to_cpu reads the page where UVM has it. Fix: that may be another GPU than the file's (a
  // kernel there faulted it over) or UVM's own CPU page (evicted); only the shared GPU was looked at, so a page on
  // another GPU was "read" in no time and no bytes.
  let src = 0;
  for (let k = 0; k < m.gpus && src === 0; k++) {
    const g = ((gpu - 1 + k) % m.gpus) + 1;
    if (m.isResident(block, g, pg)) src = g;
  }
  // a CE copy into a staging page, not a migration: the GPU keeps its copy, so CUPTI's DtoH counters don't see it
  if (src !== 0) m.spend(c.copyNs(src, 0, PAGE));
  store.event(GK.retrieved, linux.fileOf[region], index, src, src !== 0 ? PAGE : 0);
  steps.at(fnRetrieve.at.merge);
  m.spend(HOST_PAGE_COPY_NS);
  steps.at(fnRetrieve.at.shadow);
  const w = m.layout.gpuWritten + (pg >>> 5);
  const before = m.blockWord(block, w);
  const after = (before & ~(1 << (pg & 31))) >>> 0;
  if (after !== before) m.setBlockWord(block, w, after, GK.gaiaBlock);
  steps.leave();
}
