/**
 * parseScenario: YAML text in, a normalised Scenario (or every located error we could find) out. It never throws:
 * a scenario may come from a stranger, so bad YAML, wrong types, huge numbers, alias bombs and odd keys all end as
 * messages. The stages: size guard → YAML parse (syntax, duplicate keys) → alias check → the document's fields,
 * each object read by its module (machine.ts, regions.ts, steps.ts, access.ts).
 */
import { z } from 'zod';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node, YAMLError } from 'yaml';
import { MAX_ALIAS_COUNT, MAX_INPUT_CHARS, MAX_TOTAL_PAGES } from './defaults';
import { describeValue, didYouMean, ErrorSink, type ScenarioError } from './errors';
import { readMachine, readPolicy } from './machine';
import { Reader, type MapView } from './reader';
import { readRegions } from './regions';
import { readSteps, type StepContext } from './steps';
import type { Scenario } from './types';
import { formatSize } from './sizes';

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

/** The format version this parser reads. */
export const SCENARIO_VERSION = 1;

/** Where messages about the file as a whole point. */
const START = Object.freeze({ line: 1, col: 1 });

const TOP_KEYS = ['uvmscope', 'name', 'description', 'open', 'machine', 'policy', 'regions', 'steps'] as const;

/** `assets/scenarios/demo.yaml` → `demo`: the name a scenario gets when it gives none. */
export function nameFromSource(source: string): string {
  const base = source.slice(Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\')) + 1);
  return base.replace(/\.ya?ml$/i, '') || base || 'scenario';
}

function yamlErrors(sink: ErrorSink, lineCounter: LineCounter, text: string, errors: readonly YAMLError[]): void {
  for (const e of errors) {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    // yaml's messages are good; duplicate keys get ours, which names the key.
    const key = /^("[^"\n]*"|'[^'\n]*'|[^\s:,{}[\]]+)/.exec(text.slice(e.pos[0], e.pos[0] + 80))?.[1] ?? '?';
    const message = e.code === 'DUPLICATE_KEY' ? `duplicate key \`${key}\`: a key may appear only once in a map` : e.message;
    sink.add({ line, col }, [], message.split('\n')[0] ?? message);
  }
}

/** The version gate: anything but `uvmscope: 1` stops here, since the rest may be another format entirely. */
function checkVersion(r: Reader, root: Node, node: Node | null): boolean {
  if (node === null) {
    const message = `missing required field \`uvmscope\`: the format version, \`uvmscope: ${SCENARIO_VERSION}\``;
    r.error(root, ['uvmscope'], message);
    return true;
  }
  const value = r.js(node);
  if (value === SCENARIO_VERSION) return true;
  r.error(
    r.deref(node) ?? node,
    ['uvmscope'],
    `unsupported version ${typeof value === 'number' ? value : describeValue(value)}: ` +
      `this build of UVMScope reads \`uvmscope: ${SCENARIO_VERSION}\``,
  );
  return false;
}

function readDocument(doc: Document.Parsed, r: Reader, source: string): Scenario | null {
  const root = doc.contents as Node | null;
  const rootMap = r.deref(root);
  if (!isMap(rootMap)) {
    const got = root === null ? 'an empty document' : describeValue(r.js(root));
    r.error(root, [], `expected a scenario: a map with ${TOP_KEYS.join(', ')}; got ${got}`);
    return null;
  }
  // The version first: a file of another version may use other keys, which should not be reported as unknown.
  const versionPair = rootMap.items.find((p) => isScalar(p.key) && p.key.value === 'uvmscope');
  if (!checkVersion(r, rootMap, (versionPair?.value as Node | null | undefined) ?? null)) return null;
  const view = r.map(root, [], TOP_KEYS, 'a scenario');
  if (!view) return null;
  const top = r.fields(view, {
    name: z.string().min(1).default(nameFromSource(source)),
    description: z.string().default(''),
    open: z.string().min(1).optional(),
  });
  const { machine, gpus } = readMachine(r, r.valueNode(view, 'machine'), ['machine']);
  const policy = readPolicy(r, r.valueNode(view, 'policy'), ['policy']);
  const { regions, table } = readRegions(r, r.valueNode(view, 'regions'), ['regions'], view.node, {
    gpus,
    machineGpus: machine?.gpus ?? null,
  });
  const context: StepContext = {
    r,
    regions: table,
    gpus,
    machineGpus: machine?.gpus ?? null,
    budget: { remaining: MAX_TOTAL_PAGES },
    bookmarks: new Map(),
  };
  const steps = readSteps(context, r.valueNode(view, 'steps'), ['steps'], view.node);
  const openOk = top.open === undefined || checkOpen(r, view, top.open, context.bookmarks);
  if (top.name === undefined || top.description === undefined || !machine || !policy || !regions || !steps || !openOk) return null;
  const scenario: Scenario = { uvmscope: 1, name: top.name, description: top.description, machine, policy, regions, steps, source };
  if (top.open !== undefined) scenario.open = top.open;
  return scenario;
}

/**
 * `open:` names a bookmark of the steps; reports (at the value) one that is not defined, with the defined ones and
 * the closest. The bookmarks are those read before, so a bookmark step that was itself refused is not offered.
 */
function checkOpen(r: Reader, view: MapView, name: string, bookmarks: ReadonlyMap<string, unknown>): boolean {
  if (bookmarks.has(name)) return true;
  const names = [...bookmarks.keys()];
  const known = names.length === 0
    ? 'the steps have no bookmark: add `- bookmark: name` where the scenario should open'
    : `bookmarks: ${names.length > 20 ? `${names.slice(0, 20).join(', ')}, …` : names.join(', ')}`;
  r.error(r.at(view, 'open'), ['open'], `bookmark "${name}" is not defined (${known})${didYouMean(name, names)}`);
  return false;
}

function parseChecked(text: string, source: string): ParseResult {
  const sink = new ErrorSink(source);
  if (typeof text !== 'string') {
    sink.add(START, [], `expected the scenario as text, got ${describeValue(text)}`);
    return { ok: false, errors: sink.finish() };
  }
  if (text.length > MAX_INPUT_CHARS) {
    sink.add(START, [], `the file is larger than ${formatSize(MAX_INPUT_CHARS)}; a scenario should be far smaller`);
    return { ok: false, errors: sink.finish() };
  }
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: `on`/`yes` stay strings, no merge keys. uniqueKeys refuses `a: 1` twice in one map.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, version: '1.2' });
  yamlErrors(sink, lineCounter, text, doc.errors);
  // Unresolved tags (`!foo`) and the like are warnings to yaml; a scenario has no use for them, so they are errors.
  yamlErrors(sink, lineCounter, text, doc.warnings);
  if (sink.count > 0) return { ok: false, errors: sink.finish() };

  const r = new Reader(lineCounter, sink);
  if (!r.resolveAliases(doc)) return { ok: false, errors: sink.finish() };
  // yaml's own guard against exponential alias expansion ("billion laughs"): toJS counts every alias expansion
  // and throws past maxAliasCount, before our reader walks a tree that would expand the same way.
  // mapAsMap: a map used as a key (`? {a: 1}`) would otherwise be stringified with a warning on the console.
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT, mapAsMap: true });
  } catch {
    sink.add(START, [], `too many alias expansions (yaml's limit is ${MAX_ALIAS_COUNT}): use fewer aliases (*name)`);
    return { ok: false, errors: sink.finish() };
  }
  const scenario = readDocument(doc, r, source);
  if (!scenario || sink.count > 0) {
    if (sink.count === 0) sink.add(START, [], 'the scenario could not be read (no error was recorded: please report this)');
    return { ok: false, errors: sink.finish() };
  }
  return { ok: true, scenario };
}

/**
 * Parses and validates a scenario. `source` is the file name used in messages and as the default `name`.
 * Returns the normalised scenario, or every error found (sorted by position, at most MAX_ERRORS plus a summary).
 */
export function parseScenario(text: string, source: string): ParseResult {
  try {
    return parseChecked(text, source);
  } catch (e) {
    // Nothing above should throw; if it does (a stack overflow in a library, say), the caller still gets a message.
    const message = `internal error while reading the scenario: ${e instanceof Error ? e.message : String(e)}`;
    return { ok: false, errors: [{ source: String(source), ...START, path: '', message }] };
  }
}
