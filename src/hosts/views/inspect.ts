/** The inspector: any model object with its fields and history, and "why did this happen". */
import type { InspectQuery } from '../../protocol';
import { whyChain, whyTransition } from '../../engine/run/why';
import { historyUpTo, inspectObject, objectHistory } from '../../engine/run/views-inspect';
import type { ViewHandlers } from './index';
import { transitionInfo } from '../transition-info';

/** History entries one answer carries at most. */
const MAX_HISTORY_PAGE = 1000;

export const inspectViews: ViewHandlers<InspectQuery> = {
  why: (run, q) => ({ view: 'why', transition: transitionInfo(run, q.transition), causes: whyTransition(run, q.transition), chain: whyChain(run, q.transition) }),
  object: (run, q) => {
    const info = inspectObject(run, q.ref);
    const all = objectHistory(run, q.ref);
    const atCursor = historyUpTo(run, all, run.cursor);
    const limit = Math.max(0, Math.min(MAX_HISTORY_PAGE, Number.isFinite(q.limit) ? Math.floor(q.limit) : 0));
    const wanted = typeof q.offset === 'number' && Number.isFinite(q.offset) ? Math.floor(q.offset) : atCursor - limit;
    const offset = Math.max(0, Math.min(all.length, wanted));
    const end = Math.min(all.length, offset + limit);
    const history = [];
    for (let i = offset; i < end; i++) history.push(transitionInfo(run, all[i]));
    return {
      view: 'object',
      ref: q.ref,
      title: info.title,
      fields: info.fields,
      history,
      historyOffset: offset,
      historyTotal: all.length,
      historyAtCursor: atCursor,
      ...(info.watchSpec ? { watchSpec: info.watchSpec } : {}),
    };
  },
};
