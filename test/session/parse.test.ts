/** parseSession: good sessions, every kind of bad one with a located message naming the field, and migration. */
import { describe, expect, it } from 'vitest';
import { SESSION_LIMITS, SESSION_VERSION, type Session } from '../../src/engine/session/format.js';
import { formatSessionError, looksLikeSession, MIGRATIONS, parseSession, type Migration, type SessionError } from '../../src/engine/session/parse.js';
import type { JsonObject } from '../../src/engine/session/json.js';
import { DELETE, edited, parsed, sessionText, SMALL } from './helpers.js';

const GOOD = sessionText(SMALL, {
  cursor: 40,
  path: [0, 12, 40],
  breakpoints: [
    { id: 1, spec: 'copy', enabled: true },
    { id: 2, spec: 'gpuFault if page < 4', enabled: false },
  ],
  bookmarks: [{ step: 12, label: 'twelve' }],
  notes: [
    { step: 3, text: 'a step note' },
    { object: { kind: 'block', block: 0 }, text: 'an object note' },
  ],
  tours: [{ title: 'tour', stops: [{ step: 1, title: 'one', narration: 'first' }] }],
  view: { layout: { grid: { root: { type: 'branch', data: [] } } }, settings: { presentation: true, zoom: 1.5 } },
});

function errorsOf(text: string, source = 'bad.uvmsession'): SessionError[] {
  const r = parseSession(text, source);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

function firstError(text: string): SessionError {
  return errorsOf(text)[0];
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function position(text: string, needle: string, from = 0): { line: number; col: number } {
  const at = text.indexOf(needle, from);
  if (at < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, col: at - before.lastIndexOf('\n') };
}

describe('parseSession: good sessions', () => {
  it('reads what writeSession writes, field for field', () => {
    const r = parseSession(GOOD, 'good.uvmsession');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = r.session;
    expect(s.format).toBe('uvmsession');
    expect(s.version).toBe(SESSION_VERSION);
    expect(s.scenario).toEqual({ name: 'small', file: 'small.yaml', text: SMALL });
    expect(s.cursor).toBe(40);
    expect(s.path).toEqual([0, 12, 40]);
    expect(s.breakpoints[1]).toEqual({ id: 2, spec: 'gpuFault if page < 4', enabled: false });
    expect(s.notes[1]).toEqual({ object: { kind: 'block', block: 0 }, text: 'an object note' });
    expect(s.view.settings).toEqual({ presentation: true, zoom: 1.5 });
    expect(s.digests.atCursor).toMatch(/^[0-9a-f]{16}$/);
    expect(s.digests.steps?.count).toBe(41);
    expect(r.migratedFrom).toBeNull();
    expect(r.locate(['bookmarks', 0, 'label'])).toEqual(position(GOOD, '"twelve"'));
  });

  it('fills the optional fields of a hand-written session with empty values', () => {
    const doc = JSON.parse(GOOD) as Session;
    const minimal = JSON.stringify({ format: 'uvmsession', version: 1, engine: '0.1.0', scenario: { name: 'small', text: SMALL }, cursor: 40, digests: { atCursor: doc.digests.atCursor } });
    const s = parsed(minimal).session;
    expect(s).toMatchObject({ path: [], breakpoints: [], bookmarks: [], notes: [], tours: [], view: { layout: null, settings: {} } });
    expect(s.scenario.file).toBe('');
    expect(s.digests).toEqual({ atCursor: doc.digests.atCursor, checkpoints: [], steps: null });
  });

  it('sniffs a session from its text, never a scenario', () => {
    expect(looksLikeSession(GOOD)).toBe(true);
    expect(looksLikeSession('\uFEFF  {"version": 1, "format" : "uvmsession"}')).toBe(true);
    expect(looksLikeSession(SMALL)).toBe(false);
    expect(looksLikeSession('{ uvmscope: 1, name: "format: uvmsession" }')).toBe(false);
    expect(looksLikeSession('{"format": "other"}')).toBe(false);
  });
});

describe('parseSession: refusals name the field and point at it', () => {
  it.each<[string, (string | number)[], unknown, string, RegExp]>([
    ['a wrong type', ['breakpoints', 0, 'spec'], 5, 'breakpoints[0].spec', /^expected a string, got the number 5$/],
    ['a fraction for a step', ['bookmarks', 0, 'step'], 1.5, 'bookmarks[0].step', /^expected an integer, got the number 1.5$/],
    ['a negative cursor', ['cursor'], -1, 'cursor', /^expected at least 0, got the number -1$/],
    ['a string for a boolean', ['breakpoints', 1, 'enabled'], 'no', 'breakpoints[1].enabled', /^expected true or false, got the string "no"$/],
    ['an empty label', ['bookmarks', 0, 'label'], '', 'bookmarks[0].label', /^must not be empty$/],
    ['a label too long', ['bookmarks', 0, 'label'], 'x'.repeat(201), 'bookmarks[0].label', /^longer than 200 characters \(201\)$/],
    ['an unknown object kind', ['notes', 1, 'object', 'kind'], 'blok', 'notes[1].object.kind', /^unknown kind the string "blok": one of block, page, chunk, radixNode, pageTable, transition$/],
    ['an object missing a field', ['notes', 1, 'object', 'block'], DELETE, 'notes[1].object.block', /^missing required field `block`: a number$/],
    ['a bad digest', ['digests', 'atCursor'], 'XYZ', 'digests.atCursor', /^expected a digest: 16 lowercase hex digits; got the string "XYZ"$/],
    ['an array for an object', ['view'], [], 'view', /^expected an object, got an array \(0 items\)$/],
    ['null for a list', ['tours'], null, 'tours', /^expected an array, got null$/],
    ['a tour without stops', ['tours', 0, 'stops'], [], 'tours[0].stops', /^needs at least one item$/],
    ['a bad setting name', ['view', 'settings'], { '1x': true }, 'view.settings["1x"]', /^invalid key: a setting name is a letter/],
    ['a wrong fingerprint algorithm', ['digests', 'steps', 'algorithm'], 'md5', 'digests.steps.algorithm', /^expected "state-changes-fnv1a32", got the string "md5"$/],
    ['fingerprints that are not base64', ['digests', 'steps', 'fingerprints'], 'a!b', 'digests.steps.fingerprints', /^expected base64 text; got the string "a!b"$/],
  ])('%s', (_what, path, value, field, message) => {
    const text = edited(GOOD, path, value);
    const e = firstError(text);
    expect(e.path).toBe(field);
    expect(e.message).toMatch(message);
    expect(e.line).toBeGreaterThan(1);
    expect(formatSessionError(e)).toBe(`bad.uvmsession:${e.line}:${e.col}: ${field}: ${e.message}`);
  });

  it('points at the bad value itself', () => {
    const text = edited(GOOD, ['breakpoints', 0, 'spec'], 5);
    const e = firstError(text);
    expect({ line: e.line, col: e.col }).toEqual(position(text, '5', text.indexOf('"spec": 5') + 8));
  });

  it('points at the object that lacks a required field', () => {
    const text = edited(GOOD, ['scenario', 'text'], DELETE);
    const e = firstError(text);
    expect(e.path).toBe('scenario.text');
    expect(e.message).toBe('missing required field `text`: a string');
    expect({ line: e.line, col: e.col }).toEqual(position(text, '{', text.indexOf('"scenario"')));
  });

  it('names an unknown field at its key, with the fields allowed there and a guess', () => {
    const text = edited(GOOD, ['cursr'], 3);
    const e = firstError(text);
    expect(e.path).toBe('cursr');
    expect(e.message).toMatch(/^unknown field `cursr` \(the fields here: format, version, engine, scenario, cursor, .*\); did you mean `cursor`\?$/);
    expect({ line: e.line, col: e.col }).toEqual(position(text, '"cursr"'));
    const nested = firstError(edited(GOOD, ['notes', 1, 'object', 'blok'], 3));
    expect(nested.path).toBe('notes[1].object.blok');
    expect(nested.message).toBe('unknown field `blok` (the fields here: kind, block); did you mean `block`?');
  });

  it('checks the rules between fields', () => {
    expect(firstError(edited(GOOD, ['breakpoints', 1, 'id'], 1))).toMatchObject({ path: 'breakpoints[1].id', message: "id 1 is also breakpoints[0]'s: ids are unique" });
    expect(firstError(edited(GOOD, ['digests', 'steps', 'count'], 7))).toMatchObject({ path: 'digests.steps.count', message: 'expected at least 41 (steps 0..cursor), got 7' });
    expect(firstError(edited(GOOD, ['digests', 'steps', 'fingerprints'], 'AAAA'))).toMatchObject({ path: 'digests.steps.fingerprints', message: 'expected base64 of 32-bit values (a multiple of 4 bytes)' });
    expect(firstError(edited(GOOD, ['digests', 'steps', 'fingerprints'], 'AAAAAA=='))).toMatchObject({ message: 'expected 41 fingerprints (count 41, stride 1), got 1' });
    expect(firstError(edited(GOOD, ['digests', 'steps', 'stride'], 0))).toMatchObject({ path: 'digests.steps.stride' });
    const cps = (JSON.parse(GOOD) as Session).digests.checkpoints;
    expect(firstError(edited(GOOD, ['digests', 'checkpoints'], [cps[1], cps[0]]))).toMatchObject({ path: 'digests.checkpoints[1].step', message: expect.stringMatching(/increasing step order/) });
    expect(firstError(edited(GOOD, ['digests', 'checkpoints', 0, 'step'], 41))).toMatchObject({ message: 'step 41 is past the steps the digests cover (0..40)' });
    expect(firstError(edited(GOOD, ['notes', 0, 'step'], DELETE))).toMatchObject({ path: 'notes[0]', message: 'a note is pinned to a `step`, an `object` or both; it has neither' });
    const layout = { big: 'x'.repeat(SESSION_LIMITS.layoutChars) };
    expect(firstError(edited(GOOD, ['view', 'layout'], layout))).toMatchObject({ path: 'view.layout', message: 'the layout is larger than 256 KiB' });
  });

  it('reports every problem, up to a limit', () => {
    let text = GOOD;
    for (let i = 0; i < 60; i++) text = edited(text, [`extra${i}`], i);
    const errors = errorsOf(text);
    expect(errors).toHaveLength(SESSION_LIMITS.errors);
    expect(errors[errors.length - 1].message).toBe('and 11 more errors');
  });

  it('refuses what is not a session, saying what it is', () => {
    expect(firstError('[]')).toMatchObject({ line: 1, col: 1, message: expect.stringMatching(/^expected a session: a JSON object with format, version, engine, scenario, cursor, .*; got an array \(0 items\)$/) });
    expect(firstError('{"uvmscope": 1}').message).toBe('not a UVMScope session: no `format` field (a session has "format": "uvmsession")');
    expect(firstError(edited(GOOD, ['format'], 'uvmscenario'))).toMatchObject({ path: 'format', message: 'not a UVMScope session: `format` is the string "uvmscenario", expected "uvmsession"' });
    expect(firstError(edited(GOOD, ['version'], DELETE)).message).toBe('missing required field `version`: the format version, 2 for this build');
    expect(firstError(edited(GOOD, ['version'], '1')).message).toBe('expected the format version, an integer (2 for this build); got the string "1"');
    expect(firstError('{"format": "uvmsession", "version": 1, ')).toMatchObject({ line: 1, col: 40, message: expect.stringMatching(/cut short/) });
  });

  it('refuses a newer version, naming it, before reading any other field', () => {
    const text = edited(edited(GOOD, ['version'], 3), ['newField'], { anything: true });
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'version', message: 'version 3 is newer than this build of UVMScope reads (version 2); open it with a newer UVMScope' });
    expect({ line: errors[0].line, col: errors[0].col }).toEqual(position(text, '3', text.indexOf('"version"') + 10));
  });

  it('refuses a file over 16 MiB before parsing it', () => {
    const e = firstError(' '.repeat(SESSION_LIMITS.maxChars + 1));
    expect(e).toMatchObject({ line: 1, col: 1, message: 'the file is 16 MiB; a session may be at most 16 MiB' });
    expect(firstError(`{"x": "${'y'.repeat(20 * 1024 * 1024)}"}`).message).toMatch(/^the file is 20 MiB/);
  });

  it('refuses the keys that reach a prototype, anywhere', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const text = GOOD.replace('"twelve"', `"twelve", "${key}": {"polluted": true}`);
      const e = firstError(text);
      expect(e.message).toBe(`the key "${key}" is not allowed (it could reach an object's prototype)`);
      expect({ line: e.line, col: e.col }).toEqual(position(text, `"${key}"`));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('migration', () => {
  /** A made-up version 0 (none was ever written): `marks` instead of `bookmarks`, `at` instead of `cursor`. */
  const v0to1: Migration = (doc) => {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(doc)) {
      if (k === 'marks') out.bookmarks = v;
      else if (k === 'at') out.cursor = v;
      else if (k !== 'version') out[k] = v;
    }
    out.version = 1;
    return out;
  };

  /** GOOD as version 1 wrote it: no `answers` (and no question on a tour stop). */
  function v1(): string {
    const { answers: _none, ...rest } = JSON.parse(GOOD) as Record<string, unknown>;
    return JSON.stringify({ ...rest, version: 1 }, null, 2);
  }

  function v0(): string {
    const doc = JSON.parse(v1()) as Record<string, unknown>;
    const { bookmarks, cursor, ...rest } = doc;
    return JSON.stringify({ ...rest, version: 0, marks: bookmarks, at: cursor }, null, 2);
  }

  it('migrates version 1 (before predict mode) to version 2: an empty answers list, everything else as it was', () => {
    expect(Object.keys(MIGRATIONS)).toEqual(['1']);
    expect(SESSION_VERSION).toBe(2);
    const r = parseSession(v1(), 'v1.uvmsession');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.migratedFrom).toBe(1);
    expect(r.session).toEqual(parsed(GOOD).session);
    expect(r.session.answers).toEqual([]);
    // the migration keeps the writer's key order: answers after tours
    expect(Object.keys(MIGRATIONS[1](JSON.parse(v1()) as JsonObject))).toEqual(Object.keys(JSON.parse(GOOD) as object));
    // a version-1 document that already has answers is not what version 1 wrote
    const odd = JSON.stringify({ ...(JSON.parse(v1()) as object), answers: [] });
    expect(firstError(odd)).toMatchObject({ path: 'version', message: 'cannot migrate this version 1 session: the step from version 1 failed (a version-1 session has no `answers`)' });
  });

  it('refuses a version older than any migration', () => {
    expect(firstError(v0())).toMatchObject({ path: 'version', message: 'version 0 is older than any session format this build can read or migrate (it reads version 2)' });
  });

  it('runs the chain from the file version to the current one', () => {
    const r = parseSession(v0(), 'old.uvmsession', { migrations: { ...MIGRATIONS, 0: v0to1 } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.migratedFrom).toBe(0);
    expect(r.session).toEqual(parsed(GOOD).session);
  });

  it('reports a migration that fails, and still checks what a migration returns', () => {
    const broken: Migration = () => {
      throw new Error('no marks');
    };
    const r = parseSession(v0(), 'old.uvmsession', { migrations: { 0: broken } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toBe('cannot migrate this version 0 session: the step from version 0 failed (no marks)');
    const sloppy: Migration = (doc) => ({ ...doc, version: 1 });
    const s = parseSession(v0(), 'old.uvmsession', { migrations: { ...MIGRATIONS, 0: sloppy } });
    expect(s.ok).toBe(false);
    if (!s.ok) expect(s.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['cursor', 'marks', 'at']));
  });
});
