/**
 * What a typed step means (go to step, the palette's "Go to step N"): an absolute step as the
 * status bar numbers them (0 to the last), or +n / −n to move by n from the cursor.
 */
export type StepInput = { readonly step: number } | { readonly error: 'notANumber' | 'outOfRange'; readonly step?: number };

export function parseStepInput(text: string, cursor: number, last: number): StepInput {
  const m = /^\s*([+\-−]?)\s*(\d+)\s*$/.exec(text);
  if (!m) return { error: 'notANumber' };
  const n = Number(m[2]);
  const step = m[1] === '+' ? cursor + n : m[1] ? cursor - n : n;
  if (!Number.isSafeInteger(step) || step < 0 || step > last) return { error: 'outOfRange', step };
  return { step };
}
