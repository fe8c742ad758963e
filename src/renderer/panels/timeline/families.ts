/**
 * The timeline's rows: one colour per family of transition kinds, from the Okabe–Ito palette with the meanings the
 * other panels give them (resident blue, mapped sky blue, evicted yellow); neighbouring rows always differ, and every
 * row is labelled, so colour never carries the meaning alone.
 */
import type { TimelineFamily } from '../../../protocol';
import { OKABE_ITO, themed } from '../../theme/palette';

/** Read from the active theme at draw time (theme/palette.ts). */
export const FAMILY_COLOURS: Readonly<Record<TimelineFamily, string>> = themed<TimelineFamily>({
  fault: (c) => c.palette.vermillion,
  prefetch: (c) => c.palette.purple,
  copy: (c) => c.palette.green,
  residency: (c) => c.palette.blue,
  map: (c) => c.palette.skyBlue,
  evict: (c) => c.palette.yellow,
  pmm: (c) => c.palette.orange,
  thrash: (c) => c.palette.vermillion,
  pagecache: (c) => c.palette.purple,
  gaia: (c) => c.palette.green,
  mm: (c) => c.palette.orange,
  hmm: (c) => c.palette.skyBlue,
  gdr: (c) => c.palette.blue,
  other: (c) => c.invalid,
});

export function familyColour(family: string): string {
  return Object.hasOwn(FAMILY_COLOURS, family) ? FAMILY_COLOURS[family as TimelineFamily] : FAMILY_COLOURS.other;
}

/** Breakpoint hits: the debugger's red. */
export const HIT_COLOUR = OKABE_ITO.vermillion;
/** Bookmarks: the app's accent. */
export const BOOKMARK_COLOUR = OKABE_ITO.skyBlue;
/** The cursor: the current-line yellow of the code panel. */
export const CURSOR_COLOUR = OKABE_ITO.yellow;
