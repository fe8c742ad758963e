import { Store, EVENT_HEAP } from '../../../src/engine/core/store';
import { StepTable } from '../../../src/engine/core/steps';
import { codeLine } from '../../../src/engine/core/code';
import { K } from '../../../src/engine/uvm/kinds';
import { Gdr, type GdrOptions } from '../../../src/engine/gdr';
import { gdrView } from '../../../src/engine/gdr/view';
import { kindName } from '../../../src/engine/core/kinds';

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** A Store, a StepTable, a clock and a gdr_bytes counter kept in a heap (so they travel in time), and a Gdr. */
export function setup(options: GdrOptions = {}) {
  const store = new Store();
  const steps = new StepTable(store);
  const hScalars = store.addHeap('scalars', 'f64', 2);
  const clock = {
    now: () => store.f64(hScalars)[0],
    spend: (ns: number) => store.write(hScalars, 0, store.f64(hScalars)[0] + ns, K.clock, 0),
    count: (name: string, by: number) => {
      if (name !== 'gdr_bytes') throw new Error(`unexpected counter ${name}`);
      store.write(hScalars, 1, store.f64(hScalars)[1] + by, K.counter, 1);
    },
  };
  const gdr = new Gdr(store, steps, clock, options);
  const bytes = () => store.f64(hScalars)[1];
  return { store, steps, clock, gdr, bytes, view: () => gdrView(gdr) };
}

export interface EventRecord {
  t: number;
  kind: string;
  obj: number;
  idx: number;
  x: number;
  y: number;
}

/** Events recorded from transition `from` on, optionally of one kind. */
export function events(store: Store, kind?: string, from = 0): EventRecord[] {
  const out: EventRecord[] = [];
  for (let t = from; t < store.length; t++) {
    if (store.heapOf(t) !== EVENT_HEAP) continue;
    const name = kindName(store.kindOf(t));
    if (kind && name !== kind) continue;
    out.push({ t, kind: name, obj: store.objOf(t), idx: store.indexOf(t), x: store.beforeOf(t), y: store.afterOf(t) });
  }
  return out;
}

/** Steps from `from` on as "function:label", in order. */
export function stepLines(steps: StepTable, from = 0): string[] {
  const out: string[] = [];
  for (let s = from; s < steps.length; s++) {
    const l = codeLine(steps.lineOf(s));
    out.push(`${l.fn.name}:${l.label}`);
  }
  return out;
}

/** The first step from `from` on at `fn:label`; throws if there is none. */
export function stepAt(steps: StepTable, line: string, from = 0): number {
  for (let s = from; s < steps.length; s++) {
    const l = codeLine(steps.lineOf(s));
    if (`${l.fn.name}:${l.label}` === line) return s;
  }
  throw new Error(`no step at ${line}`);
}
