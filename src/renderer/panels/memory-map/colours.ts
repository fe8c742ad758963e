/** The memory map's own colours besides the lanes' (lanes.ts), read from the active theme at draw time. */
import { THEME_COLOURS, themed } from '../../theme/palette';

export const MAP = themed({
  bg: (c) => c.panel,
  track: (c) => c.track,
  fg: (c) => c.fg,
  dim: (c) => c.dim,
  grid: (c) => c.grid,
  raised: (c) => c.raised,
  free: (c) => c.free,
  selected: (c) => c.selected,
  hover: (c) => c.hover,
});

/** The default theme's background and track, as constants (bench/play.page.ts compares pixels with them). */
export const BG = THEME_COLOURS.default.panel;
export const TRACK = THEME_COLOURS.default.track;
