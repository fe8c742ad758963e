/** The JSON reader for untrusted text: same values as JSON.parse, every limit, every refusal located. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineColAt, parseJson, type JsonLimits, type JsonValue } from '../../src/engine/session/json.js';

const ROOMY: JsonLimits = { maxDepth: 1000, maxArrayLength: 1e6, maxKeys: 1e6, maxValues: 1e7, maxStringLength: 1e7 };

function hasForbiddenKey(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(hasForbiddenKey);
  return Object.keys(v).some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype' || hasForbiddenKey((v as Record<string, unknown>)[k]));
}

function error(text: string, limits: JsonLimits = ROOMY): { line: number; col: number; message: string } {
  const r = parseJson(text, limits);
  if (r.ok) throw new Error(`expected an error for ${JSON.stringify(text.slice(0, 80))}`);
  return { ...lineColAt(text, r.error.offset), message: r.error.message };
}

describe('parseJson', () => {
  it('reads what JSON.stringify writes, compact or indented, to the same value as JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
        const text = pretty ? JSON.stringify(v, null, 2) : JSON.stringify(v);
        const r = parseJson(text, ROOMY);
        if (hasForbiddenKey(JSON.parse(text))) {
          expect(r.ok).toBe(false);
          return;
        }
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('builds ordinary objects and arrays, and skips a byte-order mark', () => {
    const r = parseJson('\uFEFF {"a": [1, {"b": null}], "c": "\\u00e9\\n"} ', ROOMY);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual({ a: [1, { b: null }], c: 'é\n' });
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
  });

  it('remembers where every value and key is', () => {
    const text = '{\n  "a": [10, {"b": "x"}],\n  "c": true\n}';
    const r = parseJson(text, ROOMY);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = r.positions;
    expect(p.lineCol(p.locate(r.value, ['a', 1, 'b']).offset)).toEqual({ line: 2, col: 19 });
    expect(p.lineCol(p.locate(r.value, ['c']).offset)).toEqual({ line: 3, col: 8 });
    // a missing field is located at the deepest value that exists
    expect(p.locate(r.value, ['a', 1, 'zzz'])).toEqual({ offset: text.indexOf('{"b"'), found: false });
    const a = (r.value as { a: JsonValue[] }).a;
    expect(p.startOf(a)).toBe(text.indexOf('['));
    expect(p.keyOffset(r.value as object, 'c')).toBe(text.indexOf('"c"'));
  });

  it.each([
    ['', 1, 1, /the file is empty/],
    ['{"a": 1,}', 1, 9, /trailing comma/],
    ['[1, 2,]', 1, 7, /trailing comma/],
    ['{"a" 1}', 1, 6, /expected `:` after the key "a"/],
    ['{a: 1}', 1, 2, /expected a key in double quotes/],
    ["{'a': 1}", 1, 2, /expected a key in double quotes/],
    ["['a']", 1, 2, /double quotes, not single/],
    ['[1 2]', 1, 4, /expected `,` or `]` after an item, found "2"/],
    ['{"a": 1} x', 1, 10, /"x" after the end of the document/],
    ['"abc', 1, 1, /not closed/],
    ['"a\nb"', 1, 3, /a line break inside a string/],
    ['"a\u0001"', 1, 3, /control character/],
    ['"\\x"', 1, 2, /unknown escape \\x/],
    ['"\\u12"', 1, 2, /four hex digits/],
    ['[01]', 1, 2, /malformed number/],
    ['[-]', 1, 2, /malformed number/],
    ['[1.]', 1, 2, /malformed number/],
    ['[1e999]', 1, 2, /out of range/],
    ['[NaN]', 1, 2, /unexpected "NaN"/],
    ['[undefined]', 1, 2, /unexpected "undefined"/],
    ['[tru]', 1, 2, /unexpected "tru"/],
    ['{}\n// c', 2, 1, /no comments/],
    ['{"x": /* c */ 1}', 1, 7, /no comments/],
    ['{"__proto__": {"polluted": 1}}', 1, 2, /"__proto__" is not allowed/],
    ['{"a": {"constructor": 1}}', 1, 8, /"constructor" is not allowed/],
    ['[{"prototype": 1}]', 1, 3, /"prototype" is not allowed/],
    ['{"a": 1,\n "a": 2}', 2, 2, /duplicate key "a": the first is at line 1, column 2/],
    ['{"a": [1, {"b": 2}', 1, 19, /ends inside the array opened at line 1, column 7: it is cut short/],
    ['{"a": ', 1, 7, /ends inside the object opened at line 1, column 1/],
    [']', 1, 1, /unexpected "\]"/],
  ])('refuses %j at %i:%i', (text, line, col, message) => {
    const e = error(text);
    expect(e.message).toMatch(message);
    expect({ line: e.line, col: e.col }).toEqual({ line, col });
  });

  it('refuses deep nesting without recursing: 10,000 open arrays or objects', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const e = error(deep, { ...ROOMY, maxDepth: 64 });
    expect(e.message).toBe('objects and arrays nested deeper than 64 levels');
    expect(e.col).toBe(65);
    const objects = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    expect(error(objects, { ...ROOMY, maxDepth: 64 }).message).toMatch(/deeper than 64/);
    // within the limit, deep documents read fine (no recursion in the reader)
    const r = parseJson('['.repeat(5000) + ']'.repeat(5000), { ...ROOMY, maxDepth: 5000 });
    expect(r.ok).toBe(true);
  });

  it('stops at each limit with a message naming it', () => {
    const small: JsonLimits = { maxDepth: 4, maxArrayLength: 3, maxKeys: 2, maxValues: 10, maxStringLength: 5 };
    expect(error('[1, 2, 3, 4]', small)).toMatchObject({ col: 11, message: 'more than 3 items in one array' });
    expect(error('{"a": 1, "b": 2, "c": 3}', small)).toMatchObject({ col: 18, message: 'more than 2 keys in one object' });
    expect(error('["abcdef"]', small)).toMatchObject({ col: 2, message: 'a string longer than 5 characters' });
    expect(error('["ab\\n\\ndef"]', small).message).toBe('a string longer than 5 characters');
    expect(error('[[1, 2, 3], [4, 5, 6], [7, 8, 9]]', small).message).toBe('more than 10 values in the document');
    expect(parseJson('["abcde"]', small).ok).toBe(true);
  });

  it('leaves Object.prototype alone whatever the input', () => {
    for (const text of ['{"__proto__": {"polluted": 1}}', '{"constructor": {"prototype": {"polluted": 1}}}', '[{"a": {"__proto__": null}}]']) parseJson(text, ROOMY);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
