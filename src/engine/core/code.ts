/**
 * Pseudo-code of the kernel paths. Each modelled function is declared once with its real name, the source file it
 * mirrors and its lines as we write them (paraphrased, never copied). A step of a run points at one line; the app
 * shows the function with that line highlighted, and breakpoints may be set on a line.
 */

export interface CodeFunction {
  id: number;
  /** The real function's name, e.g. `service_fault_batch`. */
  name: string;
  /** Where it lives in the real source, e.g. `kernel-open/nvidia-uvm/uvm_gpu_replayable_faults.c`. */
  file: string;
  lines: string[];
  /** First global line id of this function; line k of it has id firstLine + k. */
  firstLine: number;
}

export interface CodeLine {
  id: number;
  fn: CodeFunction;
  /** 0-based line within the function. */
  index: number;
  label: string;
  text: string;
}

const functions: CodeFunction[] = [];
const lines: CodeLine[] = [];

/**
 * Declare a function. `body` maps a label (how the engine refers to the line) to its pseudo-code text; the first
 * entry is the function's signature line, where a step lands when the function is entered.
 */
export function defineFunction<L extends string>(
  name: string,
  file: string,
  body: Record<L, string>,
): CodeFunction & { at: Record<L, number> } {
  const labels = Object.keys(body) as L[];
  const fn: CodeFunction = { id: functions.length, name, file, lines: labels.map((l) => body[l]), firstLine: lines.length };
  functions.push(fn);
  const at = {} as Record<L, number>;
  labels.forEach((label, index) => {
    const id = lines.length;
    lines.push({ id, fn, index, label, text: body[label] });
    at[label] = id;
  });
  return Object.assign(fn, { at });
}

export function codeLine(id: number): CodeLine {
  const l = lines[id];
  if (!l) throw new RangeError(`no pseudo-code line ${id}`);
  return l;
}

export function allFunctions(): readonly CodeFunction[] {
  return functions;
}

export function findFunction(name: string): CodeFunction | undefined {
  return functions.find((f) => f.name === name);
}
