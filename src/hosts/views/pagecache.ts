/** The page cache of a file region: its radix tree with tags, GAIA's GPU slots and versions. */
import type { PageCacheQuery } from '../../protocol';
import type { ViewHandlers } from './index';

export const pageCacheViews: ViewHandlers<PageCacheQuery> = {
  radix: () => {
    throw new Error('radix: not built yet (page-cache helper)');
  },
};
