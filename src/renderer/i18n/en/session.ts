/** Sessions: the replay verdict, the tour bar, bookmarks, the autosave's offer, the example sessions. */
export const session = {
  verdict: {
    match: '{{name}}: replayed to step {{step}}, the digest matches ({{digest}})',
    diverged: '{{name}}: the replay diverged at step {{step}}',
    divergedRange: '{{name}}: the replay diverged between steps {{from}} and {{to}}',
    how: '{{how}}. Saved by engine {{saved}}, replayed by {{engine}}.',
    warnings_one: '{{count}} warning: {{first}}',
    warnings_other: '{{count}} warnings; the first: {{first}}',
    dismiss: 'Dismiss',
    goTo: 'Go to step {{step}}',
  },
  tour: {
    label: 'Guided tour',
    stop: 'Stop {{n}} of {{total}} · step {{step}}',
    notStarted: '{{total}} stops: press N to start',
    prev: 'Previous stop',
    next: 'Next stop',
    close: 'Close the tour',
    keys: 'N next · Shift+N previous',
  },
  bookmark: {
    default: 'step {{step}}',
    added: 'Bookmark added at step {{step}}',
    removed: 'Bookmark removed at step {{step}}',
  },
  notes: {
    title: 'Notes at this step',
  },
  restore: {
    title: 'Restore the session from {{time}}?',
    body: 'The autosave holds “{{scenario}}” at step {{step}}, as it was before the app last closed.',
    restore: 'Restore',
    discard: 'Discard',
  },
  examples: {
    title: 'Example sessions',
    intro: 'Each opens a scenario at its first stop, with a guided tour: N walks it, Shift+N goes back.',
    close: 'Close',
  },
  keys: {
    tourNext: 'Next stop of the guided tour',
    tourPrev: 'Previous stop of the guided tour',
    bookmark: 'Add or remove a bookmark at the cursor',
  },
  palette: {
    save: 'Save session…',
    bookmark: 'Toggle a bookmark at the cursor',
    goToBookmark: 'Go to bookmark: {{label}} (step {{step}})',
    tourNext: 'Tour: next stop',
    tourPrev: 'Tour: previous stop',
    example: 'Open example session: {{title}}',
    examples: 'Example sessions…',
  },
  saved: 'Saved {{name}}',
} as const;
