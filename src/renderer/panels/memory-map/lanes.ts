/**
 * The memory map's lanes: each region is drawn as bands of pages, and a band stacks one lane per thing a page can
 * be — from the CPU's virtual mapping, through the page cache, to each GPU's page tree and the physical memory that
 * holds the page (sysmem, each GPU's vidmem; a read-duplicated page is resident in several, in its own colour). A lane gives every page a level: 0 = nothing to show, 1.. = an entry
 * of the lane's colour list. Which lanes a region gets depends only on its kind and the processor count, so the
 * layout never jumps while stepping.
 */
import {
  CACHE_CPU_DIRTY,
  CACHE_DIRTY,
  CACHE_ON_GPU,
  CACHE_PRESENT,
  CACHE_PTE,
  CACHE_PTE_WRITE,
  CACHE_WRITEBACK,
  PAGE_EVICTED,
  PAGE_MAPPED_ATOMIC,
  PAGE_MAPPED_READ,
  PAGE_MAPPED_WRITE,
  PAGE_READ_DUPLICATED,
  PAGE_RESIDENT,
  PTE_2M,
  PTE_4K,
  PTE_64K,
  PTE_APERTURE,
  PTE_SIZE,
  PTE_SYS,
  PTE_VID,
} from '../../../protocol';
import { OKABE_ITO, STATE_COLOURS, themeColours } from '../../theme/palette';

/** Where a lane reads a page from: the page's bytes (processor-major slices of state and pte) and its cache byte. */
export interface PageBytes {
  readonly state: Uint8Array;
  readonly pte: Uint8Array | null;
  readonly cache: Uint8Array | null;
  /** Index of the page's first processor byte in state / pte. */
  readonly at: number;
  /** Index of the page's byte in cache. */
  readonly cacheAt: number;
}

export type LaneKind = 'cpuMap' | 'fileMap' | 'cached' | 'dirty' | 'cpuDirty' | 'onGpu' | 'gpuMap' | 'pteSize' | 'sysmem' | 'vidmem';

export interface Lane {
  readonly kind: LaneKind;
  /** The GPU's processor id for per-GPU lanes, 0 otherwise. */
  readonly proc: number;
  /** Level → colour (index 0 unused). */
  readonly colours: readonly string[];
  /** Level → i18n key of what it means (index 0 unused). */
  readonly meanings: readonly string[];
  /** The page's level in this lane. */
  level(b: PageBytes): number;
  /** Draw runs of equal level as one bar (PTE sizes: one bar per PTE). */
  readonly span?: (level: number) => number;
}

/** Blend a colour over the panel's background, for the lighter levels of a lane. */
export function tint(hex: string, alpha: number, over = themeColours().panel): string {
  const a = parseInt(hex.slice(1), 16);
  const b = parseInt(over.slice(1), 16);
  const mix = (shift: number) => Math.round(((a >> shift) & 255) * alpha + ((b >> shift) & 255) * (1 - alpha));
  return `#${((1 << 24) | (mix(16) << 16) | (mix(8) << 8) | mix(0)).toString(16).slice(1)}`;
}

/** Read, write, atomic: the same hue, stronger with more permission. */
function protLevel(s: number): number {
  return s & PAGE_MAPPED_ATOMIC ? 3 : s & PAGE_MAPPED_WRITE ? 2 : s & PAGE_MAPPED_READ ? 1 : 0;
}

/** PTE sizes' colours, in the active theme (read at draw time). */
export const PTE_SIZE_COLOURS = {
  get k4() {
    return themeColours().invalid;
  },
  get k64() {
    return OKABE_ITO.skyBlue;
  },
  get m2() {
    return OKABE_ITO.blue;
  },
};
const readDupColour = () => OKABE_ITO.purple;
const evictedColour = () => tint(STATE_COLOURS.evicted, 0.55);

const PROT_MEANINGS = ['', 'legend.read', 'legend.write', 'legend.atomic'];

function cpuMap(): Lane {
  const cpu = STATE_COLOURS.sysmem;
  return {
    kind: 'cpuMap',
    proc: 0,
    colours: ['', tint(cpu, 0.4), tint(cpu, 0.7), cpu],
    meanings: PROT_MEANINGS,
    level: (b) => protLevel(b.state[b.at]),
  };
}

function fileMap(): Lane {
  const cpu = STATE_COLOURS.sysmem;
  return {
    kind: 'fileMap',
    proc: 0,
    colours: ['', tint(cpu, 0.4), tint(cpu, 0.7)],
    meanings: ['', 'legend.read', 'legend.write'],
    level: (b) => {
      const c = b.cache ? b.cache[b.cacheAt] : 0;
      return c & CACHE_PTE_WRITE ? 2 : c & CACHE_PTE ? 1 : 0;
    },
  };
}

function cacheFlag(kind: LaneKind, bit: number, colour: string, meaning: string): Lane {
  return { kind, proc: 0, colours: ['', colour], meanings: ['', meaning], level: (b) => (b.cache && b.cache[b.cacheAt] & bit ? 1 : 0) };
}

function gpuMap(g: number): Lane {
  // hue = where the PTE points (the page's aperture), strength = permission
  const vid = STATE_COLOURS.vidmem;
  const sys = STATE_COLOURS.sysmem;
  const peer = OKABE_ITO.vermillion;
  return {
    kind: 'gpuMap',
    proc: g,
    colours: ['', tint(vid, 0.4), tint(vid, 0.7), vid, tint(sys, 0.4), tint(sys, 0.7), sys, tint(peer, 0.4), tint(peer, 0.7), peer],
    meanings: ['', 'legend.vidRead', 'legend.vidWrite', 'legend.vidAtomic', 'legend.sysRead', 'legend.sysWrite', 'legend.sysAtomic', 'legend.peerRead', 'legend.peerWrite', 'legend.peerAtomic'],
    level: (b) => {
      const s = b.state[b.at + g];
      const prot = protLevel(s);
      if (!prot) return 0;
      const ap = b.pte ? b.pte[b.at + g] & PTE_APERTURE : s & PAGE_RESIDENT ? PTE_VID : PTE_SYS;
      return (ap === PTE_VID ? 0 : ap === PTE_SYS ? 3 : 6) + prot;
    },
  };
}

function pteSize(g: number): Lane {
  return {
    kind: 'pteSize',
    proc: g,
    colours: ['', PTE_SIZE_COLOURS.k4, PTE_SIZE_COLOURS.k64, PTE_SIZE_COLOURS.m2],
    meanings: ['', 'legend.pte4k', 'legend.pte64k', 'legend.pte2m'],
    level: (b) => {
      const v = b.pte ? b.pte[b.at + g] & PTE_SIZE : 0;
      return v === PTE_4K ? 1 : v === PTE_64K ? 2 : v === PTE_2M ? 3 : 0;
    },
    span: (level) => (level === 2 ? 16 : level === 3 ? 512 : 1),
  };
}

/** Residency lanes: level 1 = resident, 2 = resident and read-duplicated (a copy on several processors), 3 = evicted. */
export const RESIDENT = 1;
export const RESIDENT_DUP = 2;

function sysmem(): Lane {
  return {
    kind: 'sysmem',
    proc: 0,
    colours: ['', STATE_COLOURS.sysmem, readDupColour()],
    meanings: ['', 'legend.resident', 'legend.readDup'],
    level: (b) => {
      const s = b.state[b.at];
      return s & PAGE_RESIDENT ? (s & PAGE_READ_DUPLICATED ? RESIDENT_DUP : RESIDENT) : 0;
    },
  };
}

function vidmem(g: number): Lane {
  return {
    kind: 'vidmem',
    proc: g,
    colours: ['', STATE_COLOURS.vidmem, readDupColour(), evictedColour()],
    meanings: ['', 'legend.resident', 'legend.readDup', 'legend.evicted'],
    level: (b) => {
      const s = b.state[b.at + g];
      return s & PAGE_RESIDENT ? (s & PAGE_READ_DUPLICATED ? RESIDENT_DUP : RESIDENT) : s & PAGE_EVICTED ? 3 : 0;
    },
  };
}

/** The lanes of a region of `kind`, top (virtual) to bottom (physical). */
export function lanesFor(kind: string, processors: number): Lane[] {
  const gpus = Array.from({ length: Math.max(0, processors - 1) }, (_, k) => k + 1);
  const lanes: Lane[] = [];
  lanes.push(cpuMap());
  if (kind === 'file') {
    lanes.push(fileMap());
    lanes.push(cacheFlag('cached', CACHE_PRESENT, STATE_COLOURS.resident, 'legend.cached'));
    lanes.push(cacheFlag('dirty', CACHE_DIRTY | CACHE_WRITEBACK, STATE_COLOURS.dirty, 'legend.dirty'));
    lanes.push(cacheFlag('cpuDirty', CACHE_CPU_DIRTY, STATE_COLOURS.cpuDirty, 'legend.cpuDirty'));
    lanes.push(cacheFlag('onGpu', CACHE_ON_GPU, STATE_COLOURS.onGpu, 'legend.onGpu'));
  }
  if (kind !== 'device') {
    for (const g of gpus) {
      lanes.push(gpuMap(g));
      if (kind !== 'anonymous') lanes.push(pteSize(g));
    }
  }
  lanes.push(sysmem());
  for (const g of gpus) lanes.push(vidmem(g));
  return lanes;
}

/** The lane's label, as i18n key and options (processor names come from the run). */
export function laneLabel(lane: Lane, procName: (p: number) => string): { key: string; opts: Record<string, string> } {
  return { key: `lane.${lane.kind}`, opts: { gpu: procName(lane.proc) } };
}
