/**
 * The timeline's rows: one colour per family of transition kinds, from the Okabe–Ito palette with the meanings the
 * other panels give them (resident blue, mapped sky blue, evicted yellow); neighbouring rows always differ, and every
 * row is labelled, so colour never carries the meaning alone.
 */
import type { TimelineFamily } from '../../../protocol';
import { OKABE_ITO, STATE_COLOURS } from '../../theme/palette';

export const FAMILY_COLOURS: Readonly<Record<TimelineFamily, string>> = {
  fault: OKABE_ITO.vermillion,
  prefetch: OKABE_ITO.purple,
  copy: OKABE_ITO.green,
  residency: STATE_COLOURS.resident,
  map: STATE_COLOURS.mapped,
  evict: STATE_COLOURS.evicted,
  pmm: OKABE_ITO.orange,
  thrash: OKABE_ITO.vermillion,
  pagecache: OKABE_ITO.purple,
  gaia: OKABE_ITO.green,
  mm: OKABE_ITO.orange,
  hmm: OKABE_ITO.skyBlue,
  gdr: OKABE_ITO.blue,
  other: '#8a8a8a',
};

export function familyColour(family: string): string {
  return Object.hasOwn(FAMILY_COLOURS, family) ? FAMILY_COLOURS[family as TimelineFamily] : FAMILY_COLOURS.other;
}

/** Breakpoint hits: the debugger's red. */
export const HIT_COLOUR = OKABE_ITO.vermillion;
/** Bookmarks: the app's accent. */
export const BOOKMARK_COLOUR = OKABE_ITO.skyBlue;
/** The cursor: the current-line yellow of the code panel. */
export const CURSOR_COLOUR = OKABE_ITO.yellow;
