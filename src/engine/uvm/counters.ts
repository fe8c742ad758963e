/**
 * Counters kept in the `scalars` heap so that they travel in time with the rest of the state. Names follow CUPTI's
 * unified-memory counters (CUpti_ActivityUnifiedMemoryCounterKind) so a run and a real capture compare field by field.
 */

export const COUNTERS = [
  'gpu_faults',
  'gpu_fault_batches',
  'cpu_faults',
  'htod_bytes',
  'dtoh_bytes',
  'dtod_bytes',
  'remote_maps',
  'thrashing',
  'throttling',
  'evictions',
  'gpu_invalidations',
  'prefetch_bytes',
  'zeroed_bytes',
  'page_tables_vid',
  'page_tables_sys',
  // the page-cache side (GAIA, HMM, gdrcopy)
  /** GPU pages (64 KiB) currently in the page cache: a gauge, not a running total. */
  'page_cache_gpu_pages',
  /** GPU pages dropped from the page cache by maquire, summed over calls. */
  'maquire_invalidated',
  'hmm_migrated_pages',
  'hmm_device_faults',
  'gdr_bytes',
  // Linux's side: faults on file and anonymous mappings, the page cache, the disk
  'mm_faults',
  'mm_major_faults',
  'pagecache_hits',
  'pagecache_misses',
  'disk_reads',
  'disk_writes',
  'disk_read_bytes',
  'disk_write_bytes',
] as const;

export function isCounterName(name: string): name is CounterName {
  return (COUNTERS as readonly string[]).includes(name);
}

export type CounterName = (typeof COUNTERS)[number];

/** Word 0 of the scalars heap is the simulated clock (ns); counters follow. */
export const CLOCK_WORD = 0;
export const COUNTER_BASE = 1;
export const SCALAR_WORDS = COUNTER_BASE + COUNTERS.length;

export function counterWord(name: CounterName): number {
  const i = COUNTERS.indexOf(name);
  if (i < 0) throw new Error(`unknown counter ${name}`);
  return COUNTER_BASE + i;
}
