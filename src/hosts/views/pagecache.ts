/** The page cache of a file region: its radix tree with tags, GAIA's GPU slots and versions. */
import type { PageCacheQuery, RadixResult } from '../../protocol';
import { radixView } from '../../engine/run/views-pagecache';
import type { ViewHandlers } from './index';

export const pageCacheViews: ViewHandlers<PageCacheQuery> = {
  radix: (run, q) => {
    const expand = Array.isArray(q.expand) ? q.expand.filter((k): k is string => typeof k === 'string').slice(0, 10_000) : undefined;
    const maxNodes = typeof q.maxNodes === 'number' && Number.isFinite(q.maxNodes) ? q.maxNodes : undefined;
    const v = radixView(run, q.region, { expand, maxNodes });
    if (!v) {
      const r = run.scenario.regions[q.region];
      const empty: RadixResult = {
        view: 'radix',
        region: q.region,
        file: r.name,
        cached: false,
        height: 0,
        nrpages: 0,
        nrGpuPages: 0,
        rootTags: [],
        tagNames: [],
        gpus: [],
        versionProcs: [],
        totalNodes: 0,
        nodes: [],
        freed: [],
        stepChanged: false,
      };
      return empty;
    }
    return {
      view: 'radix',
      region: v.region,
      file: v.file,
      cached: true,
      height: v.height,
      nrpages: v.nrpages,
      nrGpuPages: v.nrGpuPages,
      rootTags: v.rootTags,
      tagNames: v.tagNames,
      gpus: v.gpus,
      versionProcs: v.versionProcs,
      totalNodes: v.totalNodes,
      nodes: v.nodes,
      freed: v.freed,
      stepChanged: v.stepChanged,
    };
  },
};
