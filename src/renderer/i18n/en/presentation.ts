/** Presentation mode's caption bar and the theme setting. */
export const presentation = {
  caption: 'Caption',
  step: 'Step {{step}}',
  keys: 'F10 step · Shift+F10 back · N next stop · Esc leave',
  theme: {
    label: 'Theme',
    default: 'Default (dark)',
    'high-contrast': 'High contrast',
    palette: 'Theme: {{theme}}',
  },
} as const;
