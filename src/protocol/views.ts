/**
 * The views a panel can ask the host for (`view` requests), one file per family so that
 * each panel's contract lives beside its siblings' without touching theirs:
 *   - memory.ts   va_blocks, the memory map, PMM root chunks, the GPU page tree
 *   - pagecache.ts  a file's radix tree with its tags, GPU slots and versions
 *   - timeline.ts  transition windows, the whole-run overview, counter series
 *   - inspect.ts   any model object with its history, and "why did this happen"
 *   - schema.ts    the scenario format itself (ops, keys, values), for the scenario editor
 * A query names its view; the answer's `view` field repeats it, so a result narrows by it.
 */
import type { MemoryQuery, MemoryResult } from './views/memory';
import type { PageCacheQuery, PageCacheResult } from './views/pagecache';
import type { TimelineQuery, TimelineResult } from './views/timeline';
import type { InspectQuery, InspectResult } from './views/inspect';
import type { SchemaQuery, SchemaResult } from './views/schema';

export * from './views/memory';
export * from './views/pagecache';
export * from './views/timeline';
export * from './views/inspect';
export * from './views/schema';
export * from './views/capture';

export type ViewQuery = MemoryQuery | PageCacheQuery | TimelineQuery | InspectQuery | SchemaQuery;
export type ViewResult = MemoryResult | PageCacheResult | TimelineResult | InspectResult | SchemaResult;

/** The result type of a query, by its `view` name. */
export type ResultOf<Q extends ViewQuery> = Extract<ViewResult, { view: Q['view'] }>;
