/** A Canvas 2D font string's parts, for SVG text attributes (svg-context.ts). */
export interface ParsedFont {
  style: string;
  weight: string;
  size: string;
  family: string;
}

const FONT = /^\s*(?:(italic|oblique|normal)\s+)?(?:(small-caps|normal)\s+)?(?:(bold|bolder|lighter|normal|\d{3})\s+)?(\d+(?:\.\d+)?)px(?:\s*\/\s*\S+)?\s+(.+?)\s*$/;

/** The parts of a Canvas 2D font string; unknown strings give 10px sans-serif, as a canvas does. */
export function parseFont(font: string): ParsedFont {
  const m = FONT.exec(font);
  if (!m) return { style: 'normal', weight: 'normal', size: '10px', family: 'sans-serif' };
  return { style: m[1] ?? 'normal', weight: m[3] ?? 'normal', size: `${m[4]}px`, family: m[5] };
}
