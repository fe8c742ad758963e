/**
 * Where the model keeps /dev/nvidia-uvm's open files and VMAs: two Store heaps of fixed-size f64 records (virtual
 * addresses pass 2^32), a header, and one u32 heap for the page-level state of processes other than the modelled one.
 * This class knows the layout and offers the small recorded writes the paths are made of; it holds no state itself.
 *
 * Records are never reused, so an id names the same object across time travel:
 *  - file = one open of /dev/nvidia-uvm (a struct file: its process, fd type, filp->f_mapping, va_space->mapping);
 *  - vma  = one mmap of that file (uvm_mmap): a managed allocation of a process, at file offset = virtual address.
 * address_space ids: 0 = the device inode's i_mapping; f + 1 = the private address_space uvm_open gave file f.
 *
 * Process 1 is the modelled va_space: its CPU PTEs of managed memory are the blocks' CPU mapping masks (uvm/layout.ts),
 * so its VMAs keep no bitmap. Another process (process 2, `uvm.open`) keeps, per VMA, a bitmap of present PTEs, a
 * bitmap of what its va_space lets the CPU access (its blocks' cpu.pte_bits), and one fault_authorized latch per 2 MiB
 * block (page + 1, 0 = none), in the `uvm.ptes` heap.
 */

import { RecordHeaps } from '../core/records';
import type { Store } from '../core/store';
import { popcount32 } from '../core/bits';
import { UK } from './kinds';

export const PAGE_SIZE = 4096;
export const PAGES_PER_BLOCK = 512;
/** The process whose va_space the UVM model runs (its PTEs are the block masks). */
export const MODELLED_PROCESS = 1;
/** The /dev/nvidia-uvm inode's own address_space (inode->i_mapping): every open shares it unless uvm_open replaces it. */
export const INODE_MAPPING = 0;

// header words
export const H_FILES = 0;
export const H_VMAS = 1;
export const H_BITS_NEXT = 2; // next free word of uvm.ptes
const HEADER_WORDS = 4;

// file words
export const F_PROC = 0; // 1-based, as the scenario numbers processes
export const F_TYPE = 1; // FdType
export const F_MAPPING = 2; // filp->f_mapping as an address_space id (0 = the inode's, before uvm_open replaces it)
export const F_VA_SPACE = 3; // va_space->mapping + 1, 0 = no va_space yet
export const FILE_WORDS = 4;

// vma words
export const V_STATE = 0; // 0 being set up by mmap_region, 1 live (on its address_space's i_mmap)
export const V_FILE = 1;
export const V_PROC = 2;
export const V_MAPPING = 3; // vm_file->f_mapping when it was linked
export const V_REGION = 4;
export const V_START = 5;
export const V_LEN = 6;
export const V_PGOFF = 7;
export const V_BITS = 8; // first word of its page state in uvm.ptes (other processes only)
export const V_PRESENT = 9; // present PTEs (other processes only)
export const VMA_WORDS = 10;

export class UvmDevState extends RecordHeaps {
  readonly hFiles: number;
  readonly hVmas: number;
  readonly hBits: number;

  constructor(store: Store) {
    super(store, store.addHeap('uvm.header', 'f64', HEADER_WORDS));
    this.hFiles = store.addHeap('uvm.files', 'f64', 0);
    this.hVmas = store.addHeap('uvm.vmas', 'f64', 0);
    this.hBits = store.addHeap('uvm.ptes', 'u32', 0);
  }

  get files(): number {
    return this.hdr(H_FILES);
  }
  get vmas(): number {
    return this.hdr(H_VMAS);
  }

  file(f: number, w: number): number {
    return this.read(this.hFiles, f * FILE_WORDS + w);
  }
  setFile(f: number, w: number, v: number): void {
    this.put(this.hFiles, f * FILE_WORDS + w, v, UK.uvmFile, f);
  }
  vma(v: number, w: number): number {
    return this.read(this.hVmas, v * VMA_WORDS + w);
  }
  setVma(v: number, w: number, value: number): void {
    this.put(this.hVmas, v * VMA_WORDS + w, value, UK.uvmVma, v);
  }

  /** Pages of a VMA. */
  pages(v: number): number {
    return this.vma(v, V_LEN) / PAGE_SIZE;
  }
  /** Words of one page bitmap of VMA v. */
  bitmapWords(v: number): number {
    return Math.ceil(this.pages(v) / 32);
  }
  /** Give VMA v of another process its present and authorized bitmaps and its per-block latches. */
  allocPageState(v: number): void {
    const words = 2 * this.bitmapWords(v) + Math.ceil(this.pages(v) / PAGES_PER_BLOCK);
    const base = this.hdr(H_BITS_NEXT);
    this.setHdr(H_BITS_NEXT, base + words, UK.uvmVma);
    this.setVma(v, V_BITS, base);
    this.store.ensure(this.hBits, base + words);
  }
  private bit(v: number, plane: number, page: number): boolean {
    const i = this.vma(v, V_BITS) + plane * this.bitmapWords(v) + (page >>> 5);
    return ((this.read(this.hBits, i) >>> (page & 31)) & 1) === 1;
  }
  ptePresent(v: number, page: number): boolean {
    return this.bit(v, 0, page);
  }
  /** Whether the process's va_space lets its CPU access the page (block->cpu.pte_bits[READ] of its own block). */
  authorized(v: number, page: number): boolean {
    return this.bit(v, 1, page);
  }
  setAuthorized(v: number, page: number): void {
    const i = this.vma(v, V_BITS) + this.bitmapWords(v) + (page >>> 5);
    this.store.setBits(this.hBits, i, (1 << (page & 31)) >>> 0, UK.uvmPte, v);
  }
  /** block->cpu.fault_authorized of the block holding `page`: the latched page + 1, 0 when none. */
  latch(v: number, page: number): number {
    return this.read(this.hBits, this.vma(v, V_BITS) + 2 * this.bitmapWords(v) + Math.floor(page / PAGES_PER_BLOCK));
  }
  setLatch(v: number, page: number, value: number): void {
    this.store.write(this.hBits, this.vma(v, V_BITS) + 2 * this.bitmapWords(v) + Math.floor(page / PAGES_PER_BLOCK), value, UK.uvmPte, v);
  }
  /** Set (present) or clear PTEs of pages [lo, hi) of VMA v; returns how many changed. */
  setPtes(v: number, lo: number, hi: number, present: boolean): number {
    const changed = this.setBitRange(this.hBits, this.vma(v, V_BITS), lo, hi, present, UK.uvmPte, v);
    if (changed) this.setVma(v, V_PRESENT, this.vma(v, V_PRESENT) + (present ? changed : -changed));
    return changed;
  }
  /** Present PTEs of VMA v counted from its bitmap (for the invariants). */
  countPresent(v: number): number {
    const base = this.vma(v, V_BITS);
    let n = 0;
    for (let w = 0; w < this.bitmapWords(v); w++) n += popcount32(this.read(this.hBits, base + w));
    return n;
  }
  /** Words of VMA v's present bitmap ANDed with NOT authorized: PTEs its driver does not know of (for invariants). */
  presentNotAuthorized(v: number): number {
    const base = this.vma(v, V_BITS);
    const words = this.bitmapWords(v);
    let n = 0;
    for (let w = 0; w < words; w++) n += popcount32((this.read(this.hBits, base + w) & ~this.read(this.hBits, base + words + w)) >>> 0);
    return n;
  }
  /** Bits set past the VMA's last page in either bitmap. */
  bitsPastEnd(v: number): boolean {
    const pages = this.pages(v);
    if (pages % 32 === 0) return false;
    const words = this.bitmapWords(v);
    const base = this.vma(v, V_BITS);
    const tail = words - 1;
    return this.read(this.hBits, base + tail) >>> (pages % 32) !== 0 || this.read(this.hBits, base + words + tail) >>> (pages % 32) !== 0;
  }
}
