/**
 * Colours with one meaning each, the same in every panel. Processors and states use the
 * Okabe–Ito palette (distinguishable with the common colour-vision deficiencies); shapes
 * and labels carry the meaning too, never colour alone.
 *
 * Themes (theme.ts chooses one): `default` (dark grey) and `high-contrast` (black background,
 * white text, thicker edges). Both keep the Okabe–Ito hues, so colour-blind safety holds in
 * either; the colour objects below are live — they answer with the active theme's value, so
 * a canvas reads them at draw time, not at import.
 */
export type ThemeName = 'default' | 'high-contrast';
export const THEMES: readonly ThemeName[] = ['default', 'high-contrast'];

export type PaletteKey = 'black' | 'orange' | 'skyBlue' | 'green' | 'yellow' | 'blue' | 'vermillion' | 'purple';
export type Palette = Readonly<Record<PaletteKey, string>>;

/** Okabe & Ito (2008), "Color Universal Design": the eight colours as published. */
export const OKABE_ITO_BASE: Palette = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
};

/**
 * The high-contrast theme's variant of Okabe–Ito, for a pure black background. The published blue (#0072B2,
 * 4.0:1 against black), green (#009E73, 5.6:1) and vermillion (#D55E00, 5.4:1) are dim next to white text and
 * thin outlines; each colour here keeps its hue (so the pairs that colour-blind viewers tell apart stay apart:
 * blue vs orange, sky blue vs vermillion, green vs purple) and is lifted to at least 6:1 against black.
 * "black" becomes white: it is the palette's ink colour, and ink on black is white. test/renderer/theme.test.ts
 * checks the contrast and that the colours stay distinct.
 */
export const OKABE_ITO_HIGH_CONTRAST: Palette = {
  black: '#FFFFFF',
  orange: '#FFB000',
  skyBlue: '#7CCBFF',
  green: '#00C896',
  yellow: '#FFF25C',
  blue: '#3D9BFF',
  vermillion: '#FF7A1F',
  purple: '#F59AD0',
};

/** The non-palette colours each theme draws with: surfaces, text, lines, rings. */
export interface ThemeColours {
  readonly palette: Palette;
  /** Page and panel backgrounds; a raised box (buttons, cells' frames). */
  readonly bg: string;
  readonly panel: string;
  readonly raised: string;
  readonly raised2: string;
  /** Alternate rows. */
  readonly stripe: string;
  readonly fg: string;
  readonly dim: string;
  readonly grid: string;
  /** An empty track or frame; a free box. */
  readonly track: string;
  readonly free: string;
  readonly edge: string;
  /** The selection's ring; a hover ring. */
  readonly selected: string;
  readonly hover: string;
  /** Not-present / invalid state. */
  readonly invalid: string;
  /** Text drawn on a light (palette) fill. */
  readonly onFill: string;
  /** Multiplies outline widths (thicker in high contrast). */
  readonly lineScale: number;
}

export const THEME_COLOURS: Readonly<Record<ThemeName, ThemeColours>> = {
  default: {
    palette: OKABE_ITO_BASE,
    bg: '#15171c',
    panel: '#1c1f26',
    raised: '#252a33',
    raised2: '#2e3440',
    stripe: '#20242c',
    fg: '#e6e8eb',
    dim: '#9aa3ad',
    grid: '#2c313a',
    track: '#2a303a',
    free: '#4a5260',
    edge: '#4a5260',
    selected: '#ffffff',
    hover: 'rgba(255,255,255,0.6)',
    invalid: '#8a8a8a',
    onFill: '#10131a',
    lineScale: 1,
  },
  'high-contrast': {
    palette: OKABE_ITO_HIGH_CONTRAST,
    bg: '#000000',
    panel: '#000000',
    raised: '#1a1a1a',
    raised2: '#2a2a2a',
    stripe: '#0d0d0d',
    fg: '#ffffff',
    dim: '#d8d8d8',
    grid: '#5a5a5a',
    track: '#262626',
    free: '#6e6e6e',
    edge: '#bdbdbd',
    selected: '#ffffff',
    hover: 'rgba(255,255,255,0.8)',
    invalid: '#a8a8a8',
    onFill: '#000000',
    lineScale: 2,
  },
};

let active: ThemeName = 'default';

/** The theme the panels draw with now (theme.ts sets it, with the page's `data-theme`). */
export function activeTheme(): ThemeName {
  return active;
}

/** Set by theme.ts only; the panels redraw because the dock remounts them (Layout.tsx keys them by theme). */
export function setActiveTheme(name: ThemeName): void {
  active = name;
}

export function isThemeName(value: unknown): value is ThemeName {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value);
}

/** The active theme's colours. */
export function themeColours(name: ThemeName = active): ThemeColours {
  return THEME_COLOURS[name];
}

/** An object whose properties read the active theme's value each time. */
function live<K extends string>(keys: readonly K[], pick: (c: ThemeColours, key: K) => string): Readonly<Record<K, string>> {
  const o = {} as Record<K, string>;
  for (const k of keys) Object.defineProperty(o, k, { enumerable: true, get: () => pick(THEME_COLOURS[active], k) });
  return o;
}

const PALETTE_KEYS = Object.keys(OKABE_ITO_BASE) as PaletteKey[];

/** The Okabe–Ito colours of the active theme. */
export const OKABE_ITO: Palette = live(PALETTE_KEYS, (c, k) => c.palette[k]);

/** Processor 0 is the CPU; GPUs follow. */
const PROCESSOR_KEYS: readonly PaletteKey[] = ['orange', 'blue', 'green', 'purple', 'skyBlue', 'vermillion', 'yellow'];

export function processorColour(proc: number): string {
  return THEME_COLOURS[active].palette[PROCESSOR_KEYS[proc % PROCESSOR_KEYS.length]];
}

type StateName = 'resident' | 'mapped' | 'dirty' | 'cpuDirty' | 'onGpu' | 'writeback' | 'evicted' | 'invalid' | 'sysmem' | 'vidmem' | 'changed';
const STATE_KEYS: Readonly<Record<StateName, PaletteKey | 'invalid'>> = {
  resident: 'blue',
  mapped: 'skyBlue',
  dirty: 'vermillion',
  cpuDirty: 'orange',
  onGpu: 'green',
  writeback: 'purple',
  evicted: 'yellow',
  invalid: 'invalid',
  sysmem: 'orange',
  vidmem: 'green',
  changed: 'yellow',
};

/** States every panel draws the same way (in the active theme). */
export const STATE_COLOURS: Readonly<Record<StateName, string>> = live(Object.keys(STATE_KEYS) as StateName[], (c, k) => {
  const key = STATE_KEYS[k];
  return key === 'invalid' ? c.invalid : c.palette[key];
});

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
}

/** WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** An object of colours computed from the active theme each time a property is read (for a canvas's constants). */
export function themed<K extends string>(spec: Readonly<Record<K, (c: ThemeColours) => string>>): Readonly<Record<K, string>> {
  const o = {} as Record<K, string>;
  for (const k of Object.keys(spec) as K[]) Object.defineProperty(o, k, { enumerable: true, get: () => spec[k](THEME_COLOURS[active]) });
  return o;
}
