/**
 * The session loader under attack: mutated real sessions (the shipped examples and a small one with every field),
 * hostile documents (huge, 10,000 levels deep, `__proto__` and friends, the wrong type at every field) and a small
 * session cut short at every byte. Whatever the input, parseSession returns; a refusal has at least one message,
 * each located inside the text; what it accepts replays without throwing; and Object.prototype is untouched.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SESSION_LIMITS } from '../../src/engine/session/format.js';
import { formatSessionError, parseSession } from '../../src/engine/session/parse.js';
import { replaySession } from '../../src/engine/session/replay.js';
import { sessionText, SMALL } from './helpers.js';

const SHIPPED = readdirSync('assets/sessions')
  .filter((f) => f.endsWith('.uvmsession'))
  .sort()
  .map((f) => readFileSync(join('assets/sessions', f), 'utf8'));

const FULL = sessionText(SMALL, {
  cursor: 6,
  path: [0, 3, 6],
  breakpoints: [{ id: 1, spec: 'copy if bytes >= 4KiB', enabled: true }],
  bookmarks: [{ step: 2, label: 'two' }],
  notes: [
    { step: 4, text: 'four' },
    { object: { kind: 'page', region: 0, page: 3 }, text: 'a page' },
  ],
  tours: [
    {
      title: 'tour',
      stops: [
        { step: 1, title: 'one', narration: 'the first', ask: { kind: 'moves', from: 1, through: 4 } },
        { step: 5, title: 'five', narration: 'the fifth' },
      ],
    },
  ],
  answers: [
    {
      question: { kind: 'moves', from: 1, through: 4, prompt: 'Which pages move?' },
      answer: [{ region: 0, page: 0, target: 1 }, { region: 0, page: 1, target: 0 }],
      counts: { correct: 1, missed: 1, wrong: 1 },
    },
    { question: { kind: 'tags', from: 2, through: 6 }, answer: [{ region: 0, page: 1, target: 'dirty' }], counts: { correct: 0, missed: 0, wrong: 1 } },
  ],
  view: { layout: { grid: { orientation: 'HORIZONTAL', root: { type: 'leaf', data: { views: ['scenario'] } } } }, settings: { presentation: false, palette: 'okabe-ito' } },
});

let inputs = 0;
let accepted = 0;
let replayed = 0;
const counts: Record<string, number> = {};

/** Parses one input and checks the contract; replays what it accepts when `replay` is set. */
function check(text: string, kind: string, replay = false): void {
  inputs++;
  counts[kind] = (counts[kind] ?? 0) + 1;
  const r = parseSession(text, 'fuzz.uvmsession');
  if (r.ok) {
    accepted++;
    if (replay) {
      replayed++;
      const out = replaySession(r);
      if (!out.ok) for (const e of out.errors) expect(e.line).toBeGreaterThanOrEqual(1);
    }
    return;
  }
  expect(r.errors.length).toBeGreaterThan(0);
  expect(r.errors.length).toBeLessThanOrEqual(SESSION_LIMITS.errors);
  const lines = text.length > 20_000_000 ? Infinity : text.split('\n').length;
  for (const e of r.errors) {
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.col).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lines);
    expect(formatSessionError(e)).toMatch(/^fuzz\.uvmsession:\d+:\d+: \S/);
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value in a document (object keys and array indices), at most `max` of them, shallow first. */
function pathsOf(doc: Json, max = 2000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const queue: [Json, (string | number)[]][] = [[doc, []]];
  while (queue.length > 0 && out.length < max) {
    const [v, p] = queue.shift() as [Json, (string | number)[]];
    if (p.length > 0) out.push(p);
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) v.slice(0, 20).forEach((x, i) => queue.push([x, [...p, i]]));
    else for (const [k, x] of Object.entries(v)) queue.push([x, [...p, k]]);
  }
  return out;
}

function setAt(doc: Json, path: (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(doc);
  let here = copy as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) here = here[seg] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(here)) here.splice(Number(last), 1);
    else delete here[last];
  } else here[last] = value;
  return copy;
}

function nested(depth: number, leaf: string): string {
  return '['.repeat(depth) + leaf + ']'.repeat(depth);
}

const HOSTILE_VALUES: Json[] = [null, true, false, 0, -1, 1.5, -0, 2 ** 53, 1e308, '', 'x', 'x'.repeat(70_000), [], [1, 'two', null], {}, { a: 1 }, { kind: 'block' }];

afterAll(() => {
  console.log(`session fuzz: ${inputs.toLocaleString('en-US')} inputs (${accepted} accepted, ${replayed} replayed): ${JSON.stringify(counts)}`);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('parseSession under fuzzing', () => {
  it('the real sessions are accepted as they are', () => {
    for (const text of [...SHIPPED, FULL]) {
      check(text, 'real');
      expect(parseSession(text).ok).toBe(true);
    }
  });

  it('survives every session cut short at every byte', () => {
    for (let n = 0; n < FULL.length; n++) check(FULL.slice(0, n), 'truncated');
    // the shipped ones at 500 places each
    for (const text of SHIPPED) for (let k = 0; k < 400; k++) check(text.slice(0, Math.floor((text.length * k) / 400)), 'truncated');
  }, 30_000);

  it('survives the wrong type at every field of a real session', () => {
    const doc = JSON.parse(FULL) as Json;
    for (const path of pathsOf(doc)) {
      for (const v of HOSTILE_VALUES) check(JSON.stringify(setAt(doc, path, v), null, 2), 'wrong type');
      check(JSON.stringify(setAt(doc, path, undefined), null, 2), 'field deleted');
    }
  }, 30_000);

  it('survives random values at random places of every real session, and replays what it accepts', () => {
    const docs = [FULL, ...SHIPPED].map((t) => JSON.parse(t) as Json);
    const paths = docs.map((d) => pathsOf(d));
    fc.assert(
      fc.property(
        fc.nat({ max: docs.length - 1 }),
        fc.nat(),
        fc.oneof(fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>, fc.constantFrom(...HOSTILE_VALUES), fc.constant(undefined)),
        (d, p, value) => {
          const path = paths[d][p % paths[d].length];
          check(JSON.stringify(setAt(docs[d], path, value as Json | undefined), null, 2), 'random value', d === 0);
        },
      ),
      { numRuns: 1500 },
    );
  }, 30_000);

  it('survives random edits of the text', () => {
    const texts = [FULL, ...SHIPPED];
    fc.assert(
      fc.property(
        fc.nat({ max: texts.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom('', '"', ',', '{', '}', '[', ']', ':', '\\', '\u0000', 'null', '1e999', '"__proto__":1,', '-', '\n', 'é', '\uD800')), { minLength: 1, maxLength: 4 }),
        (t, edits) => {
          let text = texts[t];
          for (const [at, del, insert] of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + insert + text.slice(i + del);
          }
          check(text, 'text edit', t === 0);
        },
      ),
      { numRuns: 1500 },
    );
  }, 30_000);

  it('refuses hostile documents with a located message', { timeout: 60_000 }, () => {
    const doc = JSON.parse(FULL) as Record<string, Json>;
    const withLayout = (layoutText: string) => FULL.replace('"layout": {', `"layout": {"evil": ${layoutText}, "x": {`).replace(/("x": \{[\s\S]*?)("settings")/, '$1$2');
    const hostile: [string, string][] = [
      ['huge', ' '.repeat(SESSION_LIMITS.maxChars + 10)],
      ['huge string', JSON.stringify({ ...doc, scenario: { name: 'x', text: 'a'.repeat(SESSION_LIMITS.scenarioChars + 1) } })],
      ['deep arrays', nested(10_000, '1')],
      ['deep objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
      ['deep layout', JSON.stringify({ ...doc, view: { layout: { deep: 0 }, settings: {} } }).replace('{"deep":0}', `{"deep":${nested(10_000, '0')}}`)],
      ['deep unclosed', '['.repeat(100_000)],
      ['many items', `[${'0,'.repeat(200_000)}0]`],
      ['many keys', `{${Array.from({ length: 2000 }, (_, i) => `"k${i}":${i}`).join(',')}}`],
      ['__proto__ at the top', FULL.replace('{', '{"__proto__": {"polluted": true},')],
      ['__proto__ in the layout', withLayout('{"__proto__": {"polluted": true}}')],
      ['constructor.prototype', FULL.replace('"view": {', '"view": {"constructor": {"prototype": {"polluted": true}},')],
      ['prototype key', FULL.replace('"two"', '"two", "prototype": 1')],
      ['duplicate key', FULL.replace('"cursor": 6', '"cursor": 6, "cursor": 7')],
      ['not JSON', SMALL],
      ['binary', '\u0000\u0001\u0002\uFFFD'.repeat(100)],
      ['a number', '42'],
      ['a string', '"uvmsession"'],
      ['empty', ''],
      ['whitespace', ' \n\t '],
      ['BOM only', '\uFEFF'],
      ['version as an object', FULL.replace('"version": 2', '"version": {"major": 2}')],
      ['huge version', FULL.replace('"version": 2', '"version": 1e300')],
      // predict mode's answers and questions (version 2)
      ['an answer of too many marks', JSON.stringify({ ...doc, answers: [{ question: { kind: 'moves', from: 1, through: 4 }, answer: Array.from({ length: SESSION_LIMITS.marksPerAnswer + 1 }, () => ({ region: 0, page: 0, target: 1 })), counts: { correct: 0, missed: 0, wrong: 0 } }] })],
      ['too many answers', JSON.stringify({ ...doc, answers: Array.from({ length: SESSION_LIMITS.answers + 1 }, () => ({ question: { kind: 'moves', from: 1, through: 4 }, answer: [], counts: { correct: 0, missed: 0, wrong: 0 } })) })],
      ['a negative page', FULL.replace('"page": 0, "target": 1', '"page": -1, "target": 1')],
      ['a fractional region', FULL.replace('"region": 0, "page": 0, "target": 1', '"region": 0.5, "page": 0, "target": 1')],
      ['__proto__ in a mark', FULL.replace('"page": 0, "target": 1', '"page": 0, "__proto__": {"polluted": true}, "target": 1')],
      ['a tag in a moves answer', FULL.replace('"page": 0, "target": 1', '"page": 0, "target": "dirty"')],
      ['an unknown tag', FULL.replace('"target": "dirty"', '"target": "accessed"')],
      ['a processor id past any machine', FULL.replace('"page": 0, "target": 1', '"page": 0, "target": 64')],
      ['a question that ends where it starts', FULL.replace('"from": 1, "through": 4, "prompt"', '"from": 4, "through": 4, "prompt"')],
      ['an unknown kind of question', FULL.replace('"kind": "tags"', '"kind": "copies"')],
      ['a stop that asks from another step', FULL.replace('"ask": { "kind": "moves", "from": 1,', '"ask": { "kind": "moves", "from": 0,')],
      ['negative counts', FULL.replace('"correct": 1, "missed": 1', '"correct": -1, "missed": 1')],
      ['an extra field in a question', FULL.replace('"kind": "tags",', '"kind": "tags", "answerKey": [1],')],
      ['huge cursor', FULL.replace('"cursor": 6', '"cursor": 1e300')],
      ['lone surrogate key', FULL.replace('"cursor"', '"\\ud800"')],
    ];
    for (const [what, text] of hostile) {
      const before = inputs;
      check(text, 'hostile');
      expect(inputs, what).toBe(before + 1);
      expect(parseSession(text).ok, what).toBe(false);
    }
  });
});
