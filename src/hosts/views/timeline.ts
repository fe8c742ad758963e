/** The run through time: transition windows, the whole-run overview, counter series. */
import type { TimelineQuery } from '../../protocol';
import type { ViewHandlers } from './index';
import { transitionInfo } from '../transition-info';

export const timelineViews: ViewHandlers<TimelineQuery> = {
  window: (run, q) => {
    const w = run.window(q.fromStep, q.toStep, Math.max(0, Math.min(5000, q.limit)));
    return { view: 'window', fromStep: q.fromStep, toStep: q.toStep, transitions: w.transitions.map((t) => transitionInfo(run, t.index)), total: w.total, byKind: w.byKind };
  },
  overview: () => {
    throw new Error('overview: not built yet (timeline helper)');
  },
  series: () => {
    throw new Error('series: not built yet (timeline helper)');
  },
};
