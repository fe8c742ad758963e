/** The themes' colours (src/renderer/theme/palette.ts): contrast on their backgrounds, distinct hues, live values. */
import { afterEach, describe, expect, it } from 'vitest';
import { OKABE_ITO, OKABE_ITO_BASE, OKABE_ITO_HIGH_CONTRAST, STATE_COLOURS, THEME_COLOURS, activeTheme, contrast, isThemeName, processorColour, setActiveTheme, themed, themeColours } from '../../src/renderer/theme/palette';

afterEach(() => setActiveTheme('default'));

const rgb = (hex: string) => [0, 8, 16].map((s) => (parseInt(hex.slice(1), 16) >> (16 - s)) & 255);
const distance = (a: string, b: string) => Math.hypot(...rgb(a).map((v, i) => v - rgb(b)[i]));

describe('theme colours', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrast('#000000', '#FFFFFF')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#777777')).toBe(1);
    expect(contrast('#0072B2', '#000000')).toBeCloseTo(4.04, 1);
  });

  it('lifts every high-contrast palette colour to at least 6:1 against black, keeping the hues apart', () => {
    const hc = Object.entries(OKABE_ITO_HIGH_CONTRAST).filter(([k]) => k !== 'black');
    for (const [name, colour] of hc) expect(contrast(colour, THEME_COLOURS['high-contrast'].bg), name).toBeGreaterThanOrEqual(6);
    for (const [a, ca] of hc) for (const [b, cb] of hc) if (a < b) expect(distance(ca, cb), `${a} vs ${b}`).toBeGreaterThan(60);
    // brighter than the published colours where those were dim on black
    for (const k of ['blue', 'green', 'vermillion'] as const) expect(contrast(OKABE_ITO_HIGH_CONTRAST[k], '#000000')).toBeGreaterThan(contrast(OKABE_ITO_BASE[k], '#000000'));
  });

  it('gives text at least 7:1 against each background', () => {
    for (const c of Object.values(THEME_COLOURS)) {
      expect(contrast(c.fg, c.bg)).toBeGreaterThanOrEqual(7);
      expect(contrast(c.fg, c.panel)).toBeGreaterThanOrEqual(7);
    }
    expect(contrast(THEME_COLOURS['high-contrast'].dim, '#000000')).toBeGreaterThanOrEqual(7);
  });

  it('answers with the active theme each time a colour is read', () => {
    expect(OKABE_ITO.blue).toBe('#0072B2');
    expect(STATE_COLOURS.resident).toBe('#0072B2');
    expect(processorColour(0)).toBe(OKABE_ITO_BASE.orange);
    const map = themed({ bg: (c) => c.panel });
    expect(map.bg).toBe('#1c1f26');
    setActiveTheme('high-contrast');
    expect(activeTheme()).toBe('high-contrast');
    expect(OKABE_ITO.blue).toBe(OKABE_ITO_HIGH_CONTRAST.blue);
    expect(STATE_COLOURS.resident).toBe(OKABE_ITO_HIGH_CONTRAST.blue);
    expect(STATE_COLOURS.invalid).toBe(THEME_COLOURS['high-contrast'].invalid);
    expect(processorColour(1)).toBe(OKABE_ITO_HIGH_CONTRAST.blue);
    expect(map.bg).toBe('#000000');
    expect(themeColours().lineScale).toBe(2);
    expect(Object.keys(STATE_COLOURS)).toContain('changed');
  });

  it('knows its theme names', () => {
    expect(isThemeName('high-contrast')).toBe(true);
    expect(isThemeName('light')).toBe(false);
    expect(isThemeName(undefined)).toBe(false);
  });
});
