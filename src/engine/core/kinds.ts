/**
 * The registry of transition kinds. Each part of the model declares its kinds with `defineKinds` in its own
 * `kinds.ts`; numbers are global and must not clash. State kinds (changes of model state) are numbered below
 * FIRST_EVENT_KIND, events (things that happened) from it up to 255 (breakpoint scans index a 256-entry mask).
 *
 * Ranges: uvm 1–29 / 64–99; page cache 30–37 / 100–119; CPU mm 38–43 / 120–134; HMM 44–49 / 135–154;
 * gdrcopy 50–53 / 155–164; GAIA and the scenario's region mappings 54–57 / 165–189; correlation prefetcher 58–60 /
 * 190–199; /dev/nvidia-uvm's files and VMAs 61–63 / 200–209.
 */

export const FIRST_EVENT_KIND = 64;
export const MAX_KIND = 255;

const NAMES: string[] = [];
const BY_NAME = new Map<string, number>();

export function defineKinds<T extends Record<string, number>>(kinds: T): T {
  for (const [name, id] of Object.entries(kinds)) {
    if (!Number.isInteger(id) || id < 1 || id > MAX_KIND) throw new Error(`transition kind ${name} = ${id} is outside 1..${MAX_KIND}`);
    const clash = NAMES[id];
    if (clash !== undefined && clash !== name) throw new Error(`transition kind ${id} is both ${clash} and ${name}`);
    if (BY_NAME.has(name) && BY_NAME.get(name) !== id) throw new Error(`transition kind name ${name} is used twice`);
    NAMES[id] = name;
    BY_NAME.set(name, id);
  }
  return Object.freeze(kinds);
}

export function kindName(kind: number): string {
  return NAMES[kind] ?? `kind${kind}`;
}

export function kindByName(name: string): number | undefined {
  return BY_NAME.get(name);
}

/** Every registered kind name, in kind-number order. */
export function allKindNames(): string[] {
  const out: string[] = [];
  for (let k = 0; k < NAMES.length; k++) if (NAMES[k] !== undefined) out.push(NAMES[k]);
  return out;
}
