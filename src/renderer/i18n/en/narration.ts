export const narration = {
  empty: 'Load a scenario to see what happens, step by step.',
  thisStep: 'This step',
  where: 'In {{fn}}: {{text}}',
  transitions_one: '{{count}} change of state',
  transitions_other: '{{count}} changes of state',
  nothingChanged: 'Nothing in the model changed at this step: the path decides what to do next.',
  copied_one: 'Copied {{bytes}} {{route}} in one transfer.',
  copied_other: 'Copied {{bytes}} {{route}} in {{count}} transfers.',
  andMore_one: '{{text}} (and one more like it)',
  andMore_other: '{{text}} (and {{count}} more like it)',
  truncated: 'The first {{shown}} of {{count}} changes are listed.',
} as const;
