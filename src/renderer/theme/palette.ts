/**
 * Colours with one meaning each, the same in every panel. Processors and states use the
 * Okabe–Ito palette (distinguishable with the common colour-vision deficiencies); shapes
 * and labels carry the meaning too, never colour alone.
 */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
} as const;

/** Processor 0 is the CPU; GPUs follow. */
const PROCESSOR_COLOURS = [OKABE_ITO.orange, OKABE_ITO.blue, OKABE_ITO.green, OKABE_ITO.purple, OKABE_ITO.skyBlue, OKABE_ITO.vermillion, OKABE_ITO.yellow];

export function processorColour(proc: number): string {
  return PROCESSOR_COLOURS[proc % PROCESSOR_COLOURS.length];
}

/** States every panel draws the same way. */
export const STATE_COLOURS = {
  resident: OKABE_ITO.blue,
  mapped: OKABE_ITO.skyBlue,
  dirty: OKABE_ITO.vermillion,
  cpuDirty: OKABE_ITO.orange,
  onGpu: OKABE_ITO.green,
  writeback: OKABE_ITO.purple,
  evicted: OKABE_ITO.yellow,
  invalid: '#8a8a8a',
  sysmem: OKABE_ITO.orange,
  vidmem: OKABE_ITO.green,
  changed: OKABE_ITO.yellow,
} as const;
