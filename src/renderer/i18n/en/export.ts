/** File → Export…: the dialog, its choices, the slideshow file's own words, and what went wrong. */
export const exportNs = {
  title: 'Export',
  /** The palette's entry. */
  palette: 'Export… (PNG, SVG, trace for Perfetto, steps as frames)',
  what: 'What to export',
  view: 'View',
  noViews: 'Open the memory map, the timeline, the PMM, the page tree or the page cache to export a view.',
  kind: {
    png: 'This view as PNG',
    pngHint: 'The picture as shown, at the screen’s resolution.',
    svg: 'This view as SVG',
    svgHint: 'Vector drawing: sharp at any size, editable in Inkscape or Illustrator.',
    svgNone: 'This view has no SVG export yet: choose PNG.',
    trace: 'Whole run as trace (Perfetto)',
    traceHint: 'Chrome trace-event JSON: open it in ui.perfetto.dev or chrome://tracing.',
    frames: 'Steps as frames',
    framesHint: 'A slideshow (one HTML file) of this view at each step from the cursor on; arrow keys step through it.',
  },
  frames: {
    count: 'Steps',
    range: 'Steps {{from}} to {{to}}',
    progress: 'Frame {{done}} of {{total}}…',
  },
  export: 'Export',
  cancel: 'Cancel',
  working: 'Exporting…',
  saved: 'Saved {{name}}',
  failed: 'The export failed: {{message}}',
  noCanvas: 'The view is not on screen: show its panel and try again.',
  noRun: 'Load a scenario first.',
  slideshow: {
    title: '{{scenario}}: {{view}}, steps {{from}} to {{to}}',
    caption: 'Step {{step}} · {{time}}',
    help: '← → or Space to step · P plays · Home/End',
    made: 'Made with UVMScope {{version}}',
  },
  filter: {
    png: 'PNG image',
    svg: 'SVG drawing',
    trace: 'Chrome trace-event JSON',
    html: 'HTML slideshow',
  },
} as const;
