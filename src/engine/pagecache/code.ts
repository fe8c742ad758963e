/**
 * Pseudo-code of the page-cache paths. Names and files are Linux 4.4's as patched by GAIA (acsl-technion/gaia_linux,
 * research/gaia-hmm-gdr.md §1); the lines are ours, paraphrased. Each label is what the engine passes to steps.at.
 */

import { defineFunction } from '../core/code';

const FILEMAP = 'mm/filemap.c';
const RADIX = 'lib/radix-tree.c';
const WB = 'mm/page-writeback.c';

export const fnPagecacheGetPage = defineFunction('pagecache_get_page', FILEMAP, {
  entry: 'pagecache_get_page(mapping, index, flags)  [GAIA: pagecache_get_page_ucm]',
  lookup: 'find_get_entry: look the index up in the radix tree and take a reference',
  stale: 'GAIA: the CPU row of the TSVT is older than the latest version: get_page_from_gpu',
  noPage: 'GAIA: get_page_from_gpu returned NULL: drop the reference, no page',
  miss: 'not cached and FGP_CREAT: __page_cache_alloc a new page',
  add: 'add_to_page_cache_lru(page, mapping, index)',
  ret: 'return the page (with a reference)',
});

export const fnAddToPageCache = defineFunction('__add_to_page_cache_locked', FILEMAP, {
  entry: '__add_to_page_cache_locked(page, mapping, index)',
  lock: '__SetPageLocked; the page cache takes its own reference',
  insert: 'page_cache_tree_insert → radix_tree_insert: grow the tree and create nodes down to the leaf slot',
  owner: 'page->mapping = mapping, page->index = index; mapping->nrpages++',
  version: 'GAIA: CPU row of the TSVT := latest versions, CPU column := the disk column',
  lru: 'lru_cache_add: the page joins the LRU (PG_lru)',
});

export const fnDeleteFromPageCache = defineFunction('__delete_from_page_cache', FILEMAP, {
  entry: '__delete_from_page_cache(page)',
  tags: 'radix_tree_delete: clear every tag of the index (ON_GPU stays with the GPU page)',
  version: 'GAIA: CPU row of the TSVT := -1 (the CPU holds no copy)',
  slot: 'empty the slot; free nodes left with nothing below (a node with count_gpu stays)',
  owner: 'page->mapping = NULL; mapping->nrpages--; drop the cache\'s reference',
});

export const fnTagSet = defineFunction('radix_tree_tag_set', RADIX, {
  entry: 'radix_tree_tag_set(root, index, tag)',
  descend: 'set the tag on this level\'s slot of the path, then go down to the child',
  root: 'set the tag on the root',
});

export const fnTagClear = defineFunction('radix_tree_tag_clear', RADIX, {
  entry: 'radix_tree_tag_clear(root, index, tag)',
  climb: 'clear the tag on this level\'s slot; stop if another slot of the node still has it',
  root: 'no slot of the root has the tag: clear the root tag',
});

export const fnAddGpu = defineFunction('add_to_page_cache_gpu', FILEMAP, {
  entry: 'add_to_page_cache_gpu(page, mapping, index, gpu)',
  insert: 'page_cache_tree_insert (PageonGPU): node->gpu_pages[gpu][(index % 64) / 16] = page',
  count: 'count_gpu++ on the leaf and on every ancestor (keeps the nodes alive)',
  version: 'GPU row of the 16 slots := latest versions, GPU column := the disk column',
  tag: 'tag ON_GPU on the 16 indices (allowed where the CPU slot is empty)',
  lra: 'list_add to mapping->gpu_lra (newest first); gpu_cached_data_sz++',
});

export const fnDeleteGpu = defineFunction('__delete_from_page_cache_gpu', FILEMAP, {
  entry: '__delete_from_page_cache_gpu(page, mapping, gpu)',
  tag: 'clear ON_GPU on the 16 indices',
  slot: 'page_cache_tree_delete (GPU branch): node->gpu_pages[gpu][gidx] = NULL',
  version: 'GPU row of the 16 slots := -1, disk column := the disk\'s own version',
  count: 'count_gpu-- up the chain; free nodes left with nothing below',
  lra: 'list_del from gpu_lra; gpu_cached_data_sz--; ClearPageonGPU',
});

export const fnSetPageDirty = defineFunction('__set_page_dirty_nobuffers', WB, {
  entry: '__set_page_dirty_nobuffers(page)',
  flag: 'TestSetPageDirty (GAIA\'s rewrite also sets PG_dirty_GPU)',
  tag: 'radix_tree_tag_set(mapping, index, DIRTY)',
  cpuDirty: 'GAIA: radix_tree_tag_set(mapping, index, CPU_DIRTY)',
});

export const fnTagForWriteback = defineFunction('tag_pages_for_writeback', WB, {
  entry: 'tag_pages_for_writeback(mapping, start, end)',
  towrite: 'radix_tree_range_tag_if_tagged(DIRTY → TOWRITE) over the range, 4096 at a time',
  cpuDirty: 'GAIA: DIRTY → CPU_DIRTY; a page not yet CPU_DIRTY bumps the CPU version of its 64 KiB group',
});

export const fnWriteCachePages = defineFunction('write_cache_pages', WB, {
  entry: 'write_cache_pages(mapping, wbc = WB_SYNC_ALL, range)',
  tag: 'WB_SYNC_ALL: tag_pages_for_writeback first, then look up TOWRITE (pages dirtied later wait)',
  lookup: 'pagevec_lookup_tag(TOWRITE): the next batch of up to 14 pages',
  lock: 'lock_page; skip a page truncated meanwhile or no longer dirty',
  clean: 'clear_page_dirty_for_io: page_mkclean write-protects its PTEs; PG_dirty cleared',
  writeback: 'set_page_writeback: PG_writeback and the WRITEBACK tag set; DIRTY and TOWRITE cleared',
  submit: 'writepage: submit the bio (contiguous pages merge into one I/O); unlock_page',
  done: 'no TOWRITE page left in the range',
});

export const fnEndWriteback = defineFunction('end_page_writeback', FILEMAP, {
  entry: 'end_page_writeback(page)  [bio completion]',
  clear: 'test_clear_page_writeback: PG_writeback and the WRITEBACK tag cleared',
  version: 'the disk copy now holds the CPU\'s version of the page',
});

export const fnFsync = defineFunction('vfs_fsync_range', 'fs/sync.c', {
  entry: 'vfs_fsync_range(file, start, end, datasync)',
  write: 'filemap_write_and_wait_range → __filemap_fdatawrite_range → do_writepages',
  wait: 'filemap_fdatawait_range: wait until no page of the range is under write-back',
});

export const fnFilemapFault = defineFunction('filemap_fault', FILEMAP, {
  entry: 'filemap_fault(vma, vmf)',
  lookup: 'find_get_page(mapping, pgoff)  [GAIA: checks the page\'s versions]',
  noPage: 'GAIA: get_page_from_gpu returned NULL, so pagecache_get_page_ucm reports no page: goto no_cached_page',
  eexist: 'page_cache_read: a new page, but add_to_page_cache_lru finds the stale one still cached (-EEXIST): free it, retry_find',
  stuck: 'get_page_from_gpu failed again: the prototype would retry forever; the model maps the stale page and goes on',
  hit: 'cached: lock_page_or_retry',
  miss: 'page_cache_read: allocate a page and add it to the page cache',
  peer: 'GAIA: get_best_src_for_page names a GPU: readpage_dummy, then get_page_from_gpu',
  read: 'mapping->a_ops->readpage: read 4 KiB from disk (no readahead in the model)',
  uptodate: 'SetPageUptodate when the read completes',
  ret: 'return VM_FAULT_LOCKED with the page (VM_FAULT_MAJOR if it came from disk)',
});
