/**
 * The `schema` view: the scenario format as data for the editor's completion.
 *
 * It is derived from the engine's parser rather than copied from it. Which keys a map or an
 * op takes lives in the parser (steps.ts keeps its per-op key lists private), so this file
 * asks the parser itself, the way a person would: it parses small probe scenarios and reads
 * the located errors back —
 *   - an unknown key `zz__` in each map gets "unknown key … (allowed: a, b, c)": the keys;
 *   - an empty map gets "missing required field `k`: what it takes": the required keys;
 *   - a field set to `zz__` gets "expected off, density or correlation, got "zz__"" (the
 *     words an enum takes), "region "zz__" is not defined" (a region's name), "processor …
 *     (GPUs: …)" (a GPU's name) or what sizes, durations and bandwidths look like.
 * So a new op, key or enum value shows in completion without touching the renderer or
 * this file; test/hosts/schema.test.ts pins what it finds for today's format. The result
 * does not depend on the run and is computed once per host.
 */
import type { SchemaField, SchemaMapName, SchemaOp, SchemaQuery, SchemaResult, SchemaValueKind } from '../../protocol';
import { DEFAULT_GPU, parseScenario, REGION_KINDS, SCENARIO_VERSION, STEP_OPS, STEP_REGION_KIND, type ScenarioError } from '../../engine/scenario/index';
import type { ViewHandlers } from './index';

/** A key and a value no scenario uses (a valid name, so that a name field takes it and a lookup fails). */
const BOGUS = 'zz__';
const GPU = 'gpu0';
/** One region of each kind, named after it (device memory sits on gpu0). */
const regionName = (kind: string) => `r_${kind}`;

function errors(text: string): ScenarioError[] {
  const r = parseScenario(text, 'schema-probe.yaml');
  return r.ok ? [] : r.errors;
}

function doc(parts: { machine?: string; policy?: string; regions?: string; steps?: readonly string[]; top?: string }): string {
  const regions = parts.regions ?? REGION_KINDS.map((k) => `  - { name: ${regionName(k)}, kind: ${k}, size: 4KiB }`).join('\n');
  return [
    'uvmscope: 1',
    parts.top ?? '',
    `machine:\n${parts.machine ?? `  gpus: [{ name: ${GPU}, memory: 2MiB }]`}`,
    parts.policy ? `policy: ${parts.policy}` : '',
    `regions:\n${regions}`,
    `steps:\n${(parts.steps ?? []).join('\n')}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------
// Keys: "unknown key `zz__` in a gpu.kernel step (allowed: op, gpu, access, …)"

/** Where each map sits in the key probe below, by the path of its unknown key. */
const MAP_PATHS: Readonly<Record<string, SchemaMapName>> = {
  '': 'scenario',
  machine: 'machine',
  'machine.gpus[0]': 'gpu',
  'machine.cpu': 'cpu',
  'machine.link': 'link',
  'machine.link.htod': 'copy',
  'machine.costs': 'costs',
  policy: 'policy',
  'regions[0]': 'region',
};

function parentPath(path: string): string {
  const i = path.lastIndexOf('.');
  return i < 0 ? '' : path.slice(0, i);
}

function allowedKeys(message: string): string[] | null {
  const m = /^unknown key `[^`]*` in .*\(allowed: ([^)]*)\)/.exec(message);
  return m ? m[1].split(',').map((s) => s.trim()).filter(Boolean) : null;
}

function probeKeys(): { maps: Map<SchemaMapName, string[]>; ops: Map<string, string[]> } {
  const z = `${BOGUS}: 0`;
  const steps = [...STEP_OPS.map((op) => `  - { op: ${op}, ${z} }`), `  - { op: gpu.kernel, access: { ${z} } }`];
  const text = doc({
    top: z,
    machine: [`  ${z}`, `  gpus: [{ name: ${GPU}, memory: 2MiB, ${z} }]`, `  cpu: { ${z} }`, `  link: { ${z}, htod: { ${z} } }`, `  costs: { ${z} }`].join('\n'),
    policy: `{ ${z} }`,
    regions: `  - { name: r, size: 4KiB, ${z} }`,
    steps,
  });
  const maps = new Map<SchemaMapName, string[]>();
  const ops = new Map<string, string[]>();
  const accessPath = `steps[${STEP_OPS.length}].access`;
  for (const e of errors(text)) {
    const keys = allowedKeys(e.message);
    if (!keys) continue;
    const at = parentPath(e.path);
    const step = /^steps\[(\d+)\]$/.exec(at);
    if (at === accessPath) maps.set('access', keys);
    else if (step && Number(step[1]) < STEP_OPS.length) ops.set(STEP_OPS[Number(step[1])], keys);
    else if (Object.hasOwn(MAP_PATHS, at)) maps.set(MAP_PATHS[at], keys);
  }
  return { maps, ops };
}

// ---------------------------------------------------------------------------------------
// Required keys: "missing required field `region`: the name of a file region"

interface Required {
  readonly help: string;
}

function requiredIn(list: readonly ScenarioError[], at: string): Map<string, Required> {
  const out = new Map<string, Required>();
  for (const e of list) {
    if (parentPath(e.path) !== at) continue;
    const m = /^missing required field `([^`]+)`(?::\s*|\s+)(.*)$/.exec(e.message);
    // "expected a string" says nothing a person needs while typing
    if (m) out.set(m[1], { help: m[2].replace(/^expected /, '').replace(/^a string$/, '') });
  }
  return out;
}

function probeRequired(): { maps: Map<SchemaMapName, Map<string, Required>>; ops: Map<string, Map<string, Required>> } {
  const steps = [...STEP_OPS.map((op) => `  - { op: ${op} }`), '  - { op: gpu.kernel, access: {} }'];
  const list = errors(doc({ machine: '  gpus: [{}]\n  link: { htod: {} }', regions: '  - {}', steps }));
  // the top level: a document with nothing but the version
  const top = errors('uvmscope: 1\n');
  const maps = new Map<SchemaMapName, Map<string, Required>>([
    ['scenario', requiredIn(top, '')],
    ['gpu', requiredIn(list, 'machine.gpus[0]')],
    ['link', requiredIn(list, 'machine.link')],
    ['copy', requiredIn(list, 'machine.link.htod')],
    ['region', requiredIn(list, 'regions[0]')],
    ['access', requiredIn(list, `steps[${STEP_OPS.length}].access`)],
  ]);
  const ops = new Map(STEP_OPS.map((op, i) => [op as string, requiredIn(list, `steps[${i}]`)]));
  return { maps, ops };
}

/** The short forms, from the message for a step without `op`: "(or the short forms `note: text` and `bookmark: name`)". */
function probeShortForms(): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of errors(doc({ steps: ['  - {}'] }))) {
    const m = /short forms? (.*?)\)/.exec(e.message);
    if (!m) continue;
    for (const f of m[1].matchAll(/`([\w.-]+): ([\w.-]+)`/g)) out.set(f[1], f[2]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Values: what the parser says when a field is `zz__`

interface Value {
  readonly kind: SchemaValueKind;
  readonly values?: readonly string[];
}

/**
 * `off, density or correlation` → the words. A trailing description goes:
 * `pcie4, pcie5, nvlink-c2c or a map {htod, dtoh, dtod} of {…}` keeps the three presets.
 */
function words(list: string): string[] {
  return list
    .replace(/\([^)]*\)/g, '')
    .replace(/(?:,\s*|\s+or\s+|^)(?:a|an|the)\s.*$/, '')
    .split(/, | or /)
    .map((s) => s.trim())
    .filter((s) => /^[\w.-]+$/.test(s));
}

export function classify(message: string): Value | null {
  if (message.startsWith(`region "${BOGUS}" is not defined`)) return { kind: 'region' };
  if (message.startsWith(`processor "${BOGUS}" is not defined (processors:`)) return { kind: 'processor' };
  if (message.startsWith(`processor "${BOGUS}" is not defined`)) return { kind: 'gpu' };
  const m = new RegExp(`^expected (.*), got "${BOGUS}"`).exec(message);
  if (!m) return null;
  const what = m[1];
  if (/\bKiB\b/.test(what)) return { kind: 'size' };
  if (/\bnanoseconds\b/.test(what)) return { kind: 'duration' };
  if (/\bGB\/s\b/.test(what)) return { kind: 'bandwidth' };
  if (/^a (whole )?number$/.test(what)) return { kind: 'number' };
  if (/^a list\b/.test(what)) return { kind: 'list' };
  if (/^(a|an|the) [^,]*\(a map with/.test(what) || /^a map\b/.test(what)) return { kind: 'map' };
  const values = words(what);
  return values.length > 0 ? { kind: 'enum', values } : null;
}

/** A plausible valid value of a field, to fill in a sibling that another field's check needs. */
function sample(v: Value | null | undefined, op: string | null): string | null {
  if (!v) return null;
  if (v.kind === 'enum') return v.values?.[0] ?? null;
  if (v.kind === 'region') return regionName((op && STEP_REGION_KIND[op as keyof typeof STEP_REGION_KIND]) || 'managed');
  if (v.kind === 'gpu' || v.kind === 'processor') return GPU;
  if (v.kind === 'size') return '4KiB';
  if (v.kind === 'number') return '1';
  return null;
}

/** `{ a: 1, b: 2 }` from a map's entries. */
function flow(entries: Readonly<Record<string, string>>): string {
  return `{ ${Object.entries(entries).map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
}

/** Where probed maps sit: a document holding `items` (flow maps) and the path of item i; `size` items at most per document. */
interface Container {
  readonly doc: (items: readonly string[]) => string;
  readonly path: (i: number) => string;
  readonly size: number;
}

/** The fields of one map (or one op's step) to find the values of. */
interface Job {
  readonly fields: readonly string[];
  /** Entries every probe of it has (an op's `op`, a GPU's name); probed fields replace them. */
  readonly base: Readonly<Record<string, string>>;
  readonly op: string | null;
  readonly found: Map<string, Value | null>;
}

interface Item {
  readonly job: Job;
  readonly entries: Readonly<Record<string, string>>;
  /** The fields this item tells about (those set to zz__). */
  readonly fields: readonly string[];
}

/** Parses the items, as many to a document as the container holds, and records what the parser said about each field. */
function answer(container: Container, items: readonly Item[]): void {
  for (let start = 0; start < items.length; start += container.size) {
    const batch = items.slice(start, start + container.size);
    const list = errors(container.doc(batch.map((it) => flow({ ...it.job.base, ...it.entries }))));
    batch.forEach((it, i) => {
      const at = container.path(i);
      for (const f of it.fields) {
        if (it.job.found.get(f)) continue;
        for (const e of list) {
          if (e.path !== `${at}.${f}`) continue;
          const v = classify(e.message);
          if (v) {
            it.job.found.set(f, v);
            break;
          }
        }
      }
    });
  }
}

/**
 * The values of every field of every job. All fields of a job are probed at once first;
 * a field whose check depends on a sibling (an advice's `target`, a region's `gpu`) is
 * probed again alone, with each value of its enum siblings and then with every sibling
 * valid, until the parser says something about it. Each round is one batch of documents.
 */
function probeJobs(container: Container, jobs: readonly Job[]): void {
  answer(container, jobs.map((job) => ({ job, entries: Object.fromEntries(job.fields.map((f) => [f, BOGUS])), fields: job.fields })));
  const pending = jobs.flatMap((job) =>
    job.fields
      .filter((f) => !job.found.get(f))
      .map((f) => {
        const others = job.fields.filter((s) => s !== f);
        const tries: Record<string, string>[] = [{}];
        for (const s of others) for (const w of job.found.get(s)?.kind === 'enum' ? (job.found.get(s)?.values ?? []) : []) tries.push({ [s]: w });
        const valid = others.map((s) => [s, sample(job.found.get(s), job.op)] as const).filter((x): x is readonly [string, string] => x[1] !== null);
        if (valid.length) tries.push(Object.fromEntries(valid));
        return { job, field: f, tries };
      }),
  );
  for (let round = 0; ; round++) {
    const now = pending.filter((p) => !p.job.found.get(p.field) && round < p.tries.length);
    if (now.length === 0) break;
    answer(container, now.map((p) => ({ job: p.job, entries: { ...p.tries[round], [p.field]: BOGUS }, fields: [p.field] })));
  }
}

function job(fields: readonly string[], base: Readonly<Record<string, string>> = {}, op: string | null = null): Job {
  return { fields, base, op, found: new Map() };
}

function field(name: string, value: Value | null | undefined, required: Required | undefined): SchemaField {
  return {
    name,
    kind: value?.kind ?? 'text',
    ...(value?.values ? { values: value.values } : {}),
    required: required !== undefined,
    ...(required?.help ? { help: required.help } : {}),
  };
}

const ONE_GPU = `  gpus: [{ name: ${GPU}, memory: 2MiB }]`;

/** A container for one map of the machine or the policy: one item per document. */
function single(doc: (item: string) => string, path: string): Container {
  return { doc: (items) => doc(items[0] ?? '{}'), path: () => path, size: 1 };
}

function build(): SchemaResult {
  const keys = probeKeys();
  const required = probeRequired();
  const shortForms = probeShortForms();
  const mapKeys = (m: SchemaMapName) => keys.maps.get(m) ?? [];
  const machine = (lines: string) => doc({ machine: `${ONE_GPU}\n${lines}` });

  // the top level and the machine hold maps and lists: each key probed as a whole value
  const whole = (name: 'scenario' | 'machine'): Job => {
    const j = job(mapKeys(name));
    for (const k of j.fields) {
      const text = name === 'scenario' ? `uvmscope: 1\n${k}: ${BOGUS}\n` : doc({ machine: k === 'gpus' ? `  gpus: ${BOGUS}` : `${ONE_GPU}\n  ${k}: ${BOGUS}` });
      const at = name === 'scenario' ? k : `machine.${k}`;
      const e = errors(text).find((x) => x.path === at && classify(x.message));
      j.found.set(k, e ? classify(e.message) : null);
    }
    return j;
  };
  const containers: Record<Exclude<SchemaMapName, 'scenario' | 'machine'>, Container> = {
    gpu: { doc: (items) => doc({ machine: `  gpus: [${items.join(', ')}]` }), path: (i) => `machine.gpus[${i}]`, size: 10 },
    cpu: single((it) => machine(`  cpu: ${it}`), 'machine.cpu'),
    link: single((it) => machine(`  link: ${it}`), 'machine.link'),
    copy: single((it) => machine(`  link: { htod: ${it} }`), 'machine.link.htod'),
    costs: single((it) => machine(`  costs: ${it}`), 'machine.costs'),
    policy: single((it) => doc({ policy: it }), 'policy'),
    region: { doc: (items) => doc({ regions: items.map((it) => `  - ${it}`).join('\n') }), path: (i) => `regions[${i}]`, size: 10 },
    access: { doc: (items) => doc({ steps: items.map((it) => `  - { op: gpu.kernel, access: ${it} }`) }), path: (i) => `steps[${i}].access`, size: 10 },
  };
  const bases: Partial<Record<SchemaMapName, Record<string, string>>> = { gpu: { name: GPU, memory: '2MiB' }, region: { name: 'r', size: '4KiB' } };

  const mapJobs = new Map<SchemaMapName, Job>([
    ['scenario', whole('scenario')],
    ['machine', whole('machine')],
  ]);
  for (const [name, container] of Object.entries(containers) as [keyof typeof containers, Container][]) {
    const j = job(mapKeys(name), bases[name]);
    probeJobs(container, [j]);
    mapJobs.set(name, j);
  }
  const maps = {} as Record<SchemaMapName, SchemaField[]>;
  for (const [name, j] of mapJobs) {
    const req = required.maps.get(name);
    maps[name] = j.fields.map((k) =>
      name === 'scenario' && k === 'uvmscope'
        ? field(k, { kind: 'enum', values: [String(SCENARIO_VERSION)] }, req?.get(k) ?? { help: `the format version, ${SCENARIO_VERSION}` })
        : field(k, j.found.get(k), req?.get(k)),
    );
  }

  const opJobs = STEP_OPS.map((op) => job((keys.ops.get(op) ?? []).filter((k) => k !== 'op'), { op }, op));
  probeJobs({ doc: (items) => doc({ steps: items.map((it) => `  - ${it}`) }), path: (i) => `steps[${i}]`, size: 10 }, opJobs);
  const ops: SchemaOp[] = STEP_OPS.map((op, i) => {
    const j = opJobs[i];
    const req = required.ops.get(op);
    const regionKind = STEP_REGION_KIND[op];
    const short = shortForms.get(op);
    return {
      op,
      fields: j.fields.map((k) => field(k, j.found.get(k), req?.get(k))),
      ...(regionKind ? { regionKind } : {}),
      ...(short ? { shortForm: short } : {}),
    };
  });
  return { view: 'schema', maps, ops, regionKinds: [...REGION_KINDS], defaultGpu: DEFAULT_GPU.name };
}

let cached: SchemaResult | null = null;

/** The schema, computed on first use (a few dozen parses of tiny documents). */
export function scenarioSchema(): SchemaResult {
  cached ??= build();
  return cached;
}

export const schemaViews: ViewHandlers<SchemaQuery> = {
  schema: () => scenarioSchema(),
};
