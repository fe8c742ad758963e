/**
 * Which invariants hold when. Every rule the checkers report (by the id that starts each message) is here with its
 * scope:
 *
 *  - `step`: holds after every micro-step. The model's paths write each such fact in one step, or write the words a
 *    rule reads in an order that never shows it broken (a record's fields before the word that makes it count).
 *  - `quiescent`: holds whenever no kernel path is in the middle of its critical section, which in a recorded run is
 *    at the end of every scenario op. Inside the section a step shows the structure half updated, as it is in the
 *    kernel at that line; the real kernel holds a lock for that whole window, so no other CPU can see it. `lock` names
 *    it and `source` says where the real code takes it.
 *
 * The UVM driver checks its own per-page rules the same way: block_check_mappings / block_check_mappings_page
 * (uvm_va_block.c) run at the end of map, unmap and revoke, under the va_block lock. The model changes a page's
 * residency and mappings in single steps, so those hold after every step here.
 */

export type InvariantScope = 'step' | 'quiescent';

export interface InvariantRule {
  id: string;
  scope: InvariantScope;
  /** The lock the real kernel holds while a path breaks the rule (quiescent rules only). */
  lock?: string;
  /** Where the real code takes that lock. */
  source?: string;
}

const step = (...ids: string[]): InvariantRule[] => ids.map((id) => ({ id, scope: 'step' }));
const quiescent = (id: string, lock: string, source: string): InvariantRule => ({ id, scope: 'quiescent', lock, source });

export const INVARIANT_RULES: readonly InvariantRule[] = [
  // UVM (run/invariants.ts)
  ...step('I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'I8', 'I9', 'I10', 'I11'),
  // the page cache (pagecache/invariants.ts); PC6, versions only grow, is checked on each step's transitions
  ...step('PC1', 'PC5', 'PC6', 'PC7'),
  quiescent(
    'PC3',
    'mapping->tree_lock',
    'GAIA mm/filemap.c page_cache_tree_insert / page_cache_tree_delete: count_gpu is raised or lowered on the leaf and then on ' +
      'each ancestor in turn, under the tree lock add_to_page_cache_gpu and __delete_from_page_cache_gpu are called with',
  ),
  quiescent(
    'PC2',
    'mapping->tree_lock',
    'lib/radix-tree.c radix_tree_tag_set/_clear climb one node at a time and need the caller to hold the tree lock ' +
      '(mm/page-writeback.c __set_page_dirty_nobuffers: spin_lock_irqsave(&mapping->tree_lock)); GAIA takes it around ' +
      'add_to_page_cache_gpu and __delete_from_page_cache_gpu (mm/msync.c maquire: spin_lock_irqsave(&...->tree_lock))',
  ),
  quiescent(
    'PC4',
    'mapping->tree_lock and the page lock',
    'mm/filemap.c __add_to_page_cache_locked: the page is locked (__SetPageLocked) and spin_lock_irq(&mapping->tree_lock) ' +
      'covers page_cache_tree_insert, page->mapping / page->index and nrpages; __delete_from_page_cache runs under the same lock',
  ),
  // the CPU memory manager (cpu/invariants.ts)
  ...step('MM1', 'MM3', 'MM4'),
  quiescent(
    'MM2',
    'the PTE lock (pte_offset_map_lock) and the page lock',
    'mm/memory.c: do_set_pte and page_add_file_rmap / inc_mm_counter run with the PTE lock held by the fault path, ' +
      'zap_pte_range clears PTEs and drops map counts under it; set_page_dirty in __set_page_dirty_nobuffers runs under the page lock',
  ),
  quiescent(
    'MM5',
    'the faulting page\u2019s lock (PG_locked)',
    'mm/memory.c do_shared_fault / wp_page_shared: the PTE is made writable, then set_page_dirty runs before unlock_page(fault_page)',
  ),
  // gdrcopy (gdr/invariants.ts): the free callback's window is the mr's rw_semaphore, which the model records (M_SEM)
  ...step('G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7'),
  // HMM (hmm/invariants.ts)
  ...step('HM2', 'HM3'),
  quiescent(
    'HM1',
    'mdevice->lock',
    'lib/test_hmm.c dmirror_devmem_alloc_page and dmirror_devmem_free take and return free pages under spin_lock(&mdevice->lock); ' +
      'dmirror_allocate_chunk links a new chunk\u2019s pages under it',
  ),
  quiescent(
    'HM4',
    'mdevice->devmem_lock and mdevice->lock',
    'lib/test_hmm.c dmirror_allocate_chunk: mutex_lock(&mdevice->devmem_lock) while the chunk is made and counted, spin_lock(&mdevice->lock) ' +
      'while calloc and the free list change; dmirror_device_evict_chunk / remove_chunks the same',
  ),
  quiescent(
    'HM5',
    'the mmap lock and the migrating pages\u2019 locks',
    'mm/migrate_device.c: migrate_vma_setup locks each page it collects (trylock_page) and installs migration entries, ' +
      'migrate_vma_finalize removes them and unlocks; the driver holds mmap_read_lock(mm) from setup to finalize (lib/test_hmm.c dmirror_migrate_to_device)',
  ),
  // /dev/nvidia-uvm (uvmdev/invariants.ts) and GAIA's consistency state (gaia/invariants.ts)
  ...step('UD1', 'UD2', 'UD3', 'UD4', 'UD5'),
  ...step('GA1', 'GA2', 'GA3', 'GA4'),
];

const BY_ID = new Map(INVARIANT_RULES.map((r) => [r.id, r]));

export function invariantRule(id: string): InvariantRule | undefined {
  return BY_ID.get(id);
}

/** The rule id a checker message names ("PC2 file 0 …", "page cache: PC2 …"), or undefined. */
export function ruleOfMessage(message: string): string | undefined {
  const m = /(?:^|: )([A-Z]{1,2}\d+) /.exec(message);
  return m?.[1];
}

/** Whether a message's rule must hold after every step (unknown rules are treated as `step`: be strict). */
export function isStepMessage(message: string): boolean {
  const id = ruleOfMessage(message);
  return !id || invariantRule(id)?.scope !== 'quiescent';
}
