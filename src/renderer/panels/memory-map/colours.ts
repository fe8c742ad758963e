/** The memory map's own colours besides the lanes' (lanes.ts), read from the active theme at draw time. */
import { THEME_COLOURS, themeColours } from '../../theme/palette';

export const MAP = {
  get bg() { return themeColours().panel; },
  get track() { return themeColours().track; },
  get fg() { return themeColours().fg; },
  get dim() { return themeColours().dim; },
  get grid() { return themeColours().grid; },
  get raised() { return themeColours().raised; },
  get free() { return themeColours().free; },
  get selected() { return themeColours().selected; },
  get hover() { return themeColours().hover; },
};

/** The default theme's background and track, as constants (bench/play.page.ts compares pixels with them). */
export const BG = THEME_COLOURS.default.panel;
export const TRACK = THEME_COLOURS.default.track;
