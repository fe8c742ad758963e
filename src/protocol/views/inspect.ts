/**
 * The inspector's views: any model object a panel can select, its fields at the cursor and
 * its history, and "why did this happen" for a transition.
 */
import type { TransitionInfo } from '../index';

/** A selectable model object. */
export type ObjectRef =
  | { readonly kind: 'block'; readonly block: number }
  | { readonly kind: 'page'; readonly region: number; readonly page: number }
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
  /** Transitions that changed it, newest last, at most `limit`, and how many there are in all. */
  readonly history: readonly TransitionInfo[];
  readonly historyTotal: number;
  /** A watch breakpoint spec that stops when it changes, when one can be written. */
  readonly watchSpec?: string;
}

export interface CauseInfo {
  readonly step: number;
  readonly transition: number | null;
  readonly text: string;
}

export interface WhyResult {
  readonly view: 'why';
  readonly transition: TransitionInfo;
  readonly causes: readonly CauseInfo[];
}

export type InspectQuery =
  | { readonly view: 'object'; readonly ref: ObjectRef; readonly limit: number }
  | { readonly view: 'why'; readonly transition: number };

export type InspectResult = ObjectResult | WhyResult;
