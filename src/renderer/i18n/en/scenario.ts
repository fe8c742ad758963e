export const scenario = {
  builtIn: 'Built-in scenarios',
  none: '(none)',
  ops: 'Scenario steps',
  note: 'note',
  goToOp: 'Go to this op (line {{line}})',
} as const;
