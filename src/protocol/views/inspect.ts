/**
 * The inspector's views: any model object a panel can select, its fields at the cursor and
 * its history, and "why did this happen" for a transition.
 */
import type { TransitionInfo } from '../index';

/** A selectable model object. */
export type ObjectRef =
  | { readonly kind: 'block'; readonly block: number }
  /** Page `page` of a region (its file page index for a file region). */
  | { readonly kind: 'page'; readonly region: number; readonly page: number }
  /** A root chunk of GPU `gpu` (the processor id: 1 = the first GPU). */
  | { readonly kind: 'chunk'; readonly gpu: number; readonly chunk: number }
  | { readonly kind: 'radixNode'; readonly region: number; readonly node: number }
  | { readonly kind: 'pageTable'; readonly gpu: number; readonly table: number }
  | { readonly kind: 'transition'; readonly transition: number };

export interface ObjectResult {
  readonly view: 'object';
  readonly ref: ObjectRef;
  /** A title, e.g. `va_block 3 (buf +6 MiB)`. */
  readonly title: string;
  /** Its fields at the cursor, in display order. */
  readonly fields: readonly { readonly name: string; readonly value: string }[];
  /**
   * Transitions that changed it (and events that name it), oldest first: entries
   * [historyOffset, historyOffset + history.length) of the whole list of `historyTotal`.
   */
  readonly history: readonly TransitionInfo[];
  readonly historyOffset: number;
  readonly historyTotal: number;
  /** How many entries are at or before the cursor; the rest are in its future. */
  readonly historyAtCursor: number;
  /** A breakpoint spec that stops when it changes (checked to parse), when one can be written. */
  readonly watchSpec?: string;
}

export interface CauseInfo {
  readonly step: number;
  readonly transition: number | null;
  readonly text: string;
}

/** One link of the walked-back story: how it relates to the link before it, and the transition it is. */
export interface ChainInfo {
  readonly step: number;
  readonly transition: number;
  /** start: the transition asked about; serving: it served this fault; since: the page was resident there since this change; before: the word's previous value came from this change. */
  readonly relation: 'start' | 'serving' | 'since' | 'before';
  readonly text: string;
}

export interface WhyResult {
  readonly view: 'why';
  readonly transition: TransitionInfo;
  readonly causes: readonly CauseInfo[];
  /** The main cause, then its main cause, and so on (at most 8 links): the story in one line of links. */
  readonly chain: readonly ChainInfo[];
}

export type InspectQuery =
  | {
      readonly view: 'object';
      readonly ref: ObjectRef;
      /** History entries to send (at most 1000). */
      readonly limit: number;
      /** The first entry to send; when absent, the `limit` entries ending at the cursor. */
      readonly offset?: number;
    }
  | { readonly view: 'why'; readonly transition: number };

export type InspectResult = ObjectResult | WhyResult;
