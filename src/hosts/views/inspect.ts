/** The inspector: any model object with its fields and history, and "why did this happen". */
import type { InspectQuery } from '../../protocol';
import { whyTransition } from '../../engine/run/why';
import type { ViewHandlers } from './index';
import { transitionInfo } from '../transition-info';

export const inspectViews: ViewHandlers<InspectQuery> = {
  why: (run, q) => ({ view: 'why', transition: transitionInfo(run, q.transition), causes: whyTransition(run, q.transition) }),
  object: () => {
    throw new Error('object: not built yet (inspector helper)');
  },
};
