/**
 * Answers `view` requests: each family of views (protocol/views/*) has its handlers in the
 * file of the same name here, and this table routes a query to its handler by name.
 */
import type { ViewQuery, ViewResult } from '../../protocol';
import type { Run } from '../../engine/run/run';
import { memoryViews } from './memory';
import { pageCacheViews } from './pagecache';
import { timelineViews } from './timeline';
import { inspectViews } from './inspect';
import { schemaViews } from './schema';

type Handler<Q extends ViewQuery> = (run: Run, query: Q) => ViewResult;
export type ViewHandlers<Q extends ViewQuery> = { readonly [V in Q['view']]: Handler<Extract<Q, { view: V }>> };

const handlers: Readonly<Record<string, Handler<never>>> = { ...memoryViews, ...pageCacheViews, ...timelineViews, ...inspectViews, ...schemaViews };

export function answerView(run: Run, query: ViewQuery): ViewResult {
  const name = query && typeof query === 'object' ? query.view : undefined;
  const handler = typeof name === 'string' && Object.hasOwn(handlers, name) ? handlers[name] : undefined;
  if (!handler) throw new TypeError(`unknown view ${JSON.stringify(name)}`);
  return (handler as Handler<ViewQuery>)(run, query);
}
