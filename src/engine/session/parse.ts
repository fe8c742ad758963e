/**
 * parseSession: a `.uvmsession` text in, a Session (or located errors) out. It never throws: a session may come from
 * a stranger, so every problem ends as a message that says where (`file:line:column`) and which field
 * (`breakpoints[2].spec`). The stages: size → JSON (json.ts: depth, lengths, forbidden keys, duplicates) → `format`
 * and `version` (an older version is migrated, a newer one refused) → the schema (format.ts) → the rules between
 * fields (the cursor against the digests, unique breakpoint ids…).
 */
import type { z } from 'zod';
import { decodeFingerprints } from './fingerprint';
import { FINGERPRINT_ALGORITHM, SESSION_FORMAT, SESSION_KEYS, SESSION_LIMITS, SESSION_VERSION, sessionSchema, type Session } from './format';
import { grouped, lineColAt, parseJson, type JsonObject, type JsonPositions, type JsonValue } from './json';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** A problem with a session, located: `file:line:column`, the field's path, and what is wrong. */
export interface SessionError {
  /** The file name given to parseSession. */
  source: string;
  /** 1-based line and column in the session's text. */
  line: number;
  col: number;
  /** The field, e.g. `breakpoints[2].spec`; '' for the document as a whole. */
  path: string;
  message: string;
}

/** `saved.uvmsession:12:5: bookmarks[1].step: expected an integer, got 1.5` */
export function formatSessionError(e: SessionError): string {
  return `${e.source}:${e.line}:${e.col}: ${e.path ? `${e.path}: ` : ''}${e.message}`;
}

/**
 * Turns a document of version n into one of version n + 1. It gets plain parsed JSON (no prototype keys, within the
 * limits) and returns a new document; it may throw, which is reported as a failed migration.
 */
export type Migration = (doc: JsonObject) => JsonObject;

/**
 * The migrations, by the version they read; test/session tests the chain.
 *   1 → 2: version 2 added predict mode: tour stops may carry `ask` and the session `answers`. A version-1 document
 *   has neither, so it only gains an empty `answers` list (after `tours`, where a writer puts it).
 */
export const MIGRATIONS: Readonly<Record<number, Migration>> = Object.freeze({
  1: (doc: JsonObject): JsonObject => {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(doc)) {
      if (key === 'answers') throw new Error('a version-1 session has no `answers`');
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      if (key === 'tours') out.answers = [];
    }
    if (!Object.hasOwn(out, 'answers')) out.answers = [];
    out.version = 2;
    return out;
  },
});

export interface ParsedSession {
  session: Session;
  source: string;
  /** The version the file had, when it was older and migrated. */
  migratedFrom: number | null;
  /** Where a field is (or the nearest enclosing one that exists): for messages about the session found later. */
  locate(path: Path): { line: number; col: number };
}

export type SessionParseResult = ({ ok: true } & ParsedSession) | { ok: false; errors: SessionError[] };

export interface ParseSessionOptions {
  /** Replaces MIGRATIONS (tests). */
  migrations?: Readonly<Record<number, Migration>>;
}

const PLAIN_KEY = /^[A-Za-z_][\w-]*$/;

/** `['breakpoints', 2, 'spec']` → `breakpoints[2].spec`. */
export function pathToString(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg.length > 40 ? `${seg.slice(0, 40)}…` : seg)}]`;
  }
  return out;
}

/**
 * Whether a text looks like a session (for commands that accept scenarios and sessions): a JSON object whose
 * `format` is "uvmsession" within its first 4 KiB. A YAML scenario never matches.
 */
export function looksLikeSession(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  return /^\s*\{/.test(head) && /"format"\s*:\s*"uvmsession"/.test(head);
}

/** Parses a session. Never throws. */
export function parseSession(text: string, source = 'session.uvmsession', options: ParseSessionOptions = {}): SessionParseResult {
  const errors: SessionError[] = [];
  const at = (line: number, col: number, path: Path, message: string): void => {
    errors.push({ source, line, col, path: pathToString(path), message });
  };
  if (text.length > SESSION_LIMITS.maxChars) {
    at(1, 1, [], `the file is ${mib(text.length)}; a session may be at most ${mib(SESSION_LIMITS.maxChars)}`);
    return { ok: false, errors };
  }
  const json = parseJson(text, SESSION_LIMITS.json);
  if (!json.ok) {
    const { line, col } = lineColAt(text, json.error.offset);
    at(line, col, [], json.error.message);
    return { ok: false, errors };
  }
  const positions = json.positions;
  const root = json.value;
  const locateIn = (doc: JsonValue, path: Path) => positions.lineCol(positions.locate(doc, path).offset);
  const report = (doc: JsonValue, path: Path, message: string): void => {
    const { line, col } = locateIn(doc, path);
    at(line, col, path, message);
  };

  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    report(root, [], `expected a session: a JSON object with ${SESSION_KEYS.join(', ')}; got ${describe(root)}`);
    return { ok: false, errors };
  }

  // the format and version first: a file of another kind or version may have other fields entirely
  if (!Object.hasOwn(root, 'format')) {
    report(root, ['format'], `not a UVMScope session: no \`format\` field (a session has "format": "${SESSION_FORMAT}")`);
    return { ok: false, errors };
  }
  if (root.format !== SESSION_FORMAT) {
    report(root, ['format'], `not a UVMScope session: \`format\` is ${describe(root.format)}, expected "${SESSION_FORMAT}"`);
    return { ok: false, errors };
  }
  const version = root.version;
  if (!Object.hasOwn(root, 'version')) {
    report(root, ['version'], `missing required field \`version\`: the format version, ${SESSION_VERSION} for this build`);
    return { ok: false, errors };
  }
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    report(root, ['version'], `expected the format version, an integer (${SESSION_VERSION} for this build); got ${describe(version)}`);
    return { ok: false, errors };
  }
  if (version > SESSION_VERSION) {
    report(root, ['version'], `version ${version} is newer than this build of UVMScope reads (version ${SESSION_VERSION}); open it with a newer UVMScope`);
    return { ok: false, errors };
  }

  let doc: JsonObject = root;
  let migratedFrom: number | null = null;
  if (version < SESSION_VERSION) {
    const migrations = options.migrations ?? MIGRATIONS;
    for (let v = version; v < SESSION_VERSION; v++) {
      const migrate = Object.hasOwn(migrations, v) ? migrations[v] : undefined;
      if (!migrate) {
        report(root, ['version'], `version ${version} is older than any session format this build can read or migrate (it reads version ${SESSION_VERSION})`);
        return { ok: false, errors };
      }
      try {
        doc = migrate(doc);
      } catch (e) {
        report(root, ['version'], `cannot migrate this version ${version} session: the step from version ${v} failed (${e instanceof Error ? e.message : String(e)})`);
        return { ok: false, errors };
      }
    }
    migratedFrom = version;
  }

  const parsed = sessionSchema.safeParse(doc);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) schemaError(issue, doc, positions, at);
    return { ok: false, errors: capErrors(errors, source) };
  }
  const session = parsed.data;
  crossFieldChecks(session, (path, message) => report(doc, path, message));
  if (errors.length > 0) return { ok: false, errors: capErrors(errors, source) };
  return { ok: true, session, source, migratedFrom, locate: (path) => locateIn(doc, path) };
}

function mib(chars: number): string {
  return `${(chars / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
}

function capErrors(errors: SessionError[], source: string): SessionError[] {
  const max = SESSION_LIMITS.errors;
  if (errors.length <= max) return errors;
  const last = errors[max - 1];
  return [...errors.slice(0, max - 1), { source, line: last.line, col: last.col, path: '', message: `and ${grouped(errors.length - max + 1)} more errors` }];
}

/** Rules the schema cannot say field by field. */
function crossFieldChecks(s: Session, fail: (path: Path, message: string) => void): void {
  const ids = new Map<number, number>();
  s.breakpoints.forEach((b, i) => {
    const first = ids.get(b.id);
    if (first !== undefined) fail(['breakpoints', i, 'id'], `id ${b.id} is also breakpoints[${first}]'s: ids are unique`);
    else ids.set(b.id, i);
  });
  const ask = (q: Session['answers'][number]['question'], path: Path): void => {
    if (q.through <= q.from) fail([...path, 'through'], `the question ends at step ${q.through}, not after it starts (from ${q.from}): through must be greater than from`);
  };
  s.tours.forEach((t, ti) =>
    t.stops.forEach((stop, i) => {
      if (!stop.ask) return;
      ask(stop.ask, ['tours', ti, 'stops', i, 'ask']);
      if (stop.ask.from !== stop.step) fail(['tours', ti, 'stops', i, 'ask', 'from'], `a stop asks from its own step (${stop.step}), got ${stop.ask.from}`);
    }),
  );
  s.answers.forEach((a, i) => {
    ask(a.question, ['answers', i, 'question']);
    const tags = a.question.kind === 'tags';
    const bad = a.answer.findIndex((m) => (typeof m.target === 'string') !== tags);
    if (bad >= 0) {
      const want = tags ? 'a tag (dirty, cpuDirty, writeback)' : 'a processor id (0 = the CPU)';
      fail(['answers', i, 'answer', bad, 'target'], `a ${a.question.kind} answer marks ${want}, got ${JSON.stringify(a.answer[bad].target)}`);
    }
  });
  const horizon = Math.max(s.cursor, (s.digests.steps?.count ?? 0) - 1);
  let prev = -1;
  s.digests.checkpoints.forEach((c, i) => {
    if (c.step <= prev) fail(['digests', 'checkpoints', i, 'step'], `checkpoints are in increasing step order (step ${c.step} follows step ${prev})`);
    else if (c.step > horizon) fail(['digests', 'checkpoints', i, 'step'], `step ${c.step} is past the steps the digests cover (0..${horizon})`);
    prev = Math.max(prev, c.step);
  });
  const f = s.digests.steps;
  if (f) {
    if (f.algorithm !== FINGERPRINT_ALGORITHM) fail(['digests', 'steps', 'algorithm'], `unknown fingerprint algorithm`);
    if (f.count < s.cursor + 1) fail(['digests', 'steps', 'count'], `expected at least ${s.cursor + 1} (steps 0..cursor), got ${f.count}`);
    const groups = Math.ceil(f.count / f.stride);
    if (groups > SESSION_LIMITS.fingerprints) fail(['digests', 'steps', 'stride'], `stride ${f.stride} makes ${grouped(groups)} fingerprints; at most ${grouped(SESSION_LIMITS.fingerprints)}`);
    else {
      const decoded = decodeFingerprints(f.fingerprints);
      if (!decoded) fail(['digests', 'steps', 'fingerprints'], 'expected base64 of 32-bit values (a multiple of 4 bytes)');
      else if (decoded.length !== groups) fail(['digests', 'steps', 'fingerprints'], `expected ${grouped(groups)} fingerprints (count ${f.count}, stride ${f.stride}), got ${grouped(decoded.length)}`);
    }
  }
}

// ---------------------------------------------------------------- schema issues as located messages

type Issue = z.core.$ZodIssue;

function valueAt(doc: JsonValue, path: Path): { found: boolean; value: JsonValue | undefined } {
  let here: JsonValue | undefined = doc;
  for (const seg of path) {
    if (here === null || typeof here !== 'object' || here === undefined) return { found: false, value: undefined };
    if (Array.isArray(here)) {
      if (typeof seg !== 'number' || seg >= here.length) return { found: false, value: undefined };
      here = here[seg];
    } else {
      if (!Object.hasOwn(here, String(seg))) return { found: false, value: undefined };
      here = here[String(seg)];
    }
  }
  return { found: true, value: here };
}

function schemaError(issue: Issue, doc: JsonObject, positions: JsonPositions, at: (line: number, col: number, path: Path, message: string) => void): void {
  const path = issue.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
  const place = (p: Path) => positions.lineCol(positions.locate(doc, p).offset);
  if (issue.code === 'unrecognized_keys') {
    const container = valueAt(doc, path).value;
    const allowed = allowedKeys(path, doc);
    for (const key of issue.keys) {
      const offset = container && typeof container === 'object' && !Array.isArray(container) ? positions.keyOffset(container, key) : undefined;
      const { line, col } = offset !== undefined ? positions.lineCol(offset) : place(path);
      const hint = allowed ? ` (the fields here: ${allowed.join(', ')})${didYouMean(key, allowed)}` : '';
      at(line, col, [...path, key], `unknown field \`${key.slice(0, 80)}\`${hint}`);
    }
    return;
  }
  const { found, value } = valueAt(doc, path);
  const { line, col } = place(path);
  const name = path.length > 0 ? path[path.length - 1] : '';
  if (!found) {
    const what = issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options) ? `: one of ${issue.options.map(String).join(', ')}` : expectedOf(issue);
    at(line, col, path, `missing required field \`${String(name)}\`${what}`);
    return;
  }
  at(line, col, path, issueMessage(issue, value));
}

function expectedOf(issue: Issue): string {
  if (issue.code === 'invalid_type') return `: ${typeWords(issue.expected)}`;
  if (issue.code === 'invalid_value') return `: ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
  return '';
}

function typeWords(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'object':
    case 'record':
      return 'an object';
    case 'array':
      return 'an array';
    case 'null':
      return 'null';
    default:
      return expected;
  }
}

function issueMessage(issue: Issue, value: JsonValue | undefined): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int' && typeof value === 'number' && !Number.isInteger(value)) return `expected an integer, got ${describe(value)}`;
      return `expected ${typeWords(issue.expected)}, got ${describe(value)}`;
    case 'invalid_value':
      if (issue.values.length === 1) return `expected ${JSON.stringify(issue.values[0])}, got ${describe(value)}`;
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; got ${describe(value)}`;
    case 'invalid_union':
      if ('discriminator' in issue && 'options' in issue && Array.isArray(issue.options)) {
        return `unknown ${String(issue.discriminator)} ${describe(value)}: one of ${issue.options.map(String).join(', ')}`;
      }
      return `expected ${issue.message}, got ${describe(value)}`;
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const limit = Number(big ? issue.maximum : issue.minimum);
      if (issue.origin === 'string' && typeof value === 'string') {
        if (!big && limit === 1) return 'must not be empty';
        return big ? `longer than ${grouped(limit)} characters (${grouped(value.length)})` : `shorter than ${grouped(limit)} characters`;
      }
      if (issue.origin === 'array' && Array.isArray(value)) {
        if (!big && limit === 1) return 'needs at least one item';
        return big ? `more than ${grouped(limit)} items (${grouped(value.length)})` : `fewer than ${grouped(limit)} items`;
      }
      return `expected ${big ? 'at most' : 'at least'} ${grouped(limit)}, got ${describe(value)}`;
    }
    case 'invalid_format':
      return `${issue.message}; got ${describe(value)}`;
    case 'invalid_key':
      return `invalid key: ${issue.issues[0]?.message ?? 'not allowed here'}`;
    default:
      return issue.message;
  }
}

/** A value as messages show it: `the number 3`, `a string ("abc")`, `null`, `an array`. */
export function describe(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (Array.isArray(value)) return `an array (${grouped(value.length)} items)`;
  return 'an object';
}

/** The fields the schema allows in the object at `path`, for "unknown field" messages. */
function allowedKeys(path: Path, doc: JsonValue): string[] | null {
  let schema = unwrap(sessionSchema as unknown as SchemaLike);
  let value: JsonValue | undefined = doc;
  for (const seg of path) {
    schema = pickOption(schema, value);
    const def = schema._zod.def;
    if (def.type === 'object' && def.shape && typeof seg === 'string') schema = def.shape[seg];
    else if (def.type === 'array' && def.element) schema = def.element;
    else if (def.type === 'record' && def.valueType) schema = def.valueType;
    else return null;
    if (!schema) return null;
    schema = unwrap(schema);
    value = value !== null && typeof value === 'object' ? (Array.isArray(value) ? value[Number(seg)] : value[String(seg)]) : undefined;
  }
  schema = pickOption(schema, value);
  const def = schema._zod.def;
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : null;
}

interface SchemaLike {
  _zod: {
    def: {
      type: string;
      shape?: Record<string, SchemaLike>;
      element?: SchemaLike;
      valueType?: SchemaLike;
      innerType?: SchemaLike;
      in?: SchemaLike;
      options?: SchemaLike[];
      discriminator?: string;
      values?: unknown[];
    };
  };
}

function unwrap(s: SchemaLike): SchemaLike {
  for (let i = 0; i < 10; i++) {
    const def = s._zod.def;
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) return s;
    s = inner;
  }
  return s;
}

/** For a discriminated union, the option the value's discriminator picks. */
function pickOption(s: SchemaLike, value: JsonValue | undefined): SchemaLike {
  const def = s._zod.def;
  if (def.type !== 'union' || !def.options || !def.discriminator) return s;
  const tag = value !== null && typeof value === 'object' && !Array.isArray(value) ? value[def.discriminator] : undefined;
  const hit = def.options.find((o) => o._zod.def.shape?.[def.discriminator as string]?._zod.def.values?.includes(tag));
  return hit ? unwrap(hit) : s;
}

function didYouMean(key: string, allowed: readonly string[]): string {
  const k = key.toLowerCase();
  let best = '';
  let bestScore = 3;
  for (const a of allowed) {
    const d = editDistance(k, a.toLowerCase());
    if (d < bestScore) {
      best = a;
      bestScore = d;
    }
  }
  return best ? `; did you mean \`${best}\`?` : '';
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
