export const code = {
  empty: 'Load a scenario to follow its kernel paths.',
  noFrame: 'Between kernel paths.',
  callStack: 'Call stack',
  frameHint: 'Show this frame; double-click to go to step {{step}}',
} as const;
