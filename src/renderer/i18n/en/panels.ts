/** Panel titles (each panel's own strings live in its namespace). */
export const panels = {
  scenario: 'Scenario',
  narration: 'Narration',
  code: 'Kernel path',
  memoryMap: 'Memory map',
  radix: 'Page cache',
  pageTree: 'GPU page tree',
  pmm: 'PMM chunks',
  timeline: 'Timeline',
  inspector: 'Inspector',
  breakpoints: 'Breakpoints',
  counters: 'Counters',
  editor: 'Scenario editor',
  capture: 'Real capture',
  tours: 'Tours',
} as const;
