/**
 * A JSON reader for untrusted text. JSON.parse would do the parsing, but not the rest of what a file from a stranger
 * needs: it reads this one without recursion (10,000 nested arrays are one error, not a stack overflow), stops at
 * limits on depth, array length, keys per object, values in all and string length before it builds anything large,
 * refuses the keys `__proto__`, `constructor` and `prototype` and duplicate keys, and remembers where every member
 * was so that a schema error later can say `file:line:column`. Objects are built with defineProperty, so no key can
 * reach a setter on Object.prototype even if the refusal above were lifted.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface JsonLimits {
  /** Objects and arrays nested deeper than this are refused. */
  maxDepth: number;
  /** Items in one array. */
  maxArrayLength: number;
  /** Keys in one object. */
  maxKeys: number;
  /** Values in the whole document (every object, array, string, number, boolean and null counts one). */
  maxValues: number;
  /** UTF-16 code units in one string. */
  maxStringLength: number;
}

/** Keys that could reach an object's prototype in code that copies objects by key; never accepted. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export interface JsonError {
  /** Offset into the text (UTF-16 code units) of what is wrong. */
  offset: number;
  message: string;
}

export type JsonResult = { ok: true; value: JsonValue; positions: JsonPositions } | { ok: false; error: JsonError };

interface MemberOffsets {
  /** Offset of each member's value: array index, or object key. */
  values: Map<string | number, number>;
  /** Offset of each object key (the opening quote). */
  keys: Map<string, number> | null;
  /** Offset of the container's opening bracket. */
  start: number;
}

/** Where each value of a parsed document was in the text. */
export class JsonPositions {
  private readonly members = new WeakMap<object, MemberOffsets>();
  /** Offset of the document's top-level value. */
  root = 0;
  constructor(readonly text: string) {}

  /** @internal the parser's registration of a container. */
  register(container: object, offsets: MemberOffsets): void {
    this.members.set(container, offsets);
  }

  /** Offset of a container's opening bracket. */
  startOf(container: object): number | undefined {
    return this.members.get(container)?.start;
  }
  /** Offset of the value of `key` (an index for arrays) in `container`. */
  valueOffset(container: object, key: string | number): number | undefined {
    return this.members.get(container)?.values.get(key);
  }
  /** Offset of an object key itself. */
  keyOffset(container: object, key: string): number | undefined {
    return this.members.get(container)?.keys?.get(key);
  }

  /**
   * The offset of the deepest value along `path` that exists, and whether the whole path was found. A missing field
   * is reported at the object that lacks it.
   */
  locate(value: JsonValue, path: readonly (string | number)[]): { offset: number; found: boolean } {
    let offset = this.root;
    let here: JsonValue = value;
    for (const seg of path) {
      if (here === null || typeof here !== 'object') return { offset, found: false };
      const next = this.valueOffset(here, Array.isArray(here) ? Number(seg) : String(seg));
      if (next === undefined) return { offset, found: false };
      offset = next;
      here = Array.isArray(here) ? (here[Number(seg)] as JsonValue) : (Object.hasOwn(here, seg) ? here[String(seg)] : null);
    }
    return { offset, found: true };
  }

  private lineStarts: number[] | null = null;
  /** 1-based line and column (in UTF-16 code units) of an offset. */
  lineCol(offset: number): { line: number; col: number } {
    return lineColOf(this.text, offset, (this.lineStarts ??= lineStartsOf(this.text)));
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineColOf(text: string, offset: number, starts: number[]): { line: number; col: number } {
  const at = Math.max(0, Math.min(offset, text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: at - starts[lo] + 1 };
}

/** 1-based line and column of an offset in a text (a one-off: it scans the text up to the offset). */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  const end = Math.max(0, Math.min(offset, text.length));
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: end - start + 1 };
}

class Fail extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

interface Frame {
  container: JsonValue[] | JsonObject;
  isArray: boolean;
  offsets: MemberOffsets;
  /** The key whose value is being read (objects). */
  key: string;
}

const WS_SPACE = 0x20;
const WS_TAB = 0x09;
const WS_LF = 0x0a;
const WS_CR = 0x0d;

/** 1000000 → "1,000,000" (no locale: the engine's messages are the same everywhere). */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** What a character is, for messages: `"x"`, or `the end of the file`. */
function found(text: string, i: number): string {
  if (i >= text.length) return 'the end of the file';
  const c = text.codePointAt(i) ?? 0;
  return JSON.stringify(String.fromCodePoint(c));
}

/** Parses JSON text within the limits. Never throws. */
export function parseJson(text: string, limits: JsonLimits): JsonResult {
  try {
    return parseOrThrow(text, limits);
  } catch (e) {
    if (e instanceof Fail) return { ok: false, error: { offset: e.offset, message: e.message } };
    if (e instanceof RangeError) return { ok: false, error: { offset: 0, message: `the document is too large to read (${e.message})` } };
    throw e;
  }
}

function parseOrThrow(text: string, limits: JsonLimits): JsonResult {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is not content
  let values = 0;
  const stack: Frame[] = [];
  const positions = new JsonPositions(text);

  const skipWs = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === WS_SPACE || c === WS_LF || c === WS_CR || c === WS_TAB) i++;
      else if (c === 0x2f && (text.charCodeAt(i + 1) === 0x2f || text.charCodeAt(i + 1) === 0x2a)) throw new Fail(i, 'JSON has no comments');
      else return;
    }
  };
  const where = (offset: number): string => {
    const { line, col } = lineColAt(text, offset);
    return `line ${line}, column ${col}`;
  };
  const count = (at: number): void => {
    if (++values > limits.maxValues) throw new Fail(at, `more than ${grouped(limits.maxValues)} values in the document`);
  };

  const readString = (): string => {
    const start = i;
    i++; // the opening quote
    let out = '';
    let chunk = i;
    for (;;) {
      if (out.length + (i - chunk) > limits.maxStringLength) throw new Fail(start, `a string longer than ${grouped(limits.maxStringLength)} characters`);
      if (i >= n) throw new Fail(start, `the string that starts here is not closed: the file ends first`);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunk, i);
        i++;
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(chunk, i);
        const e = text.charCodeAt(i + 1);
        switch (e) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += '\\';
            break;
          case 0x2f:
            out += '/';
            break;
          case 0x62:
            out += '\b';
            break;
          case 0x66:
            out += '\f';
            break;
          case 0x6e:
            out += '\n';
            break;
          case 0x72:
            out += '\r';
            break;
          case 0x74:
            out += '\t';
            break;
          case 0x75: {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Fail(i, 'a \\u escape needs four hex digits');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            throw new Fail(i, `unknown escape \\${i + 1 < n ? text[i + 1] : ''} in a string (JSON has \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)`);
        }
        i += 2;
        chunk = i;
        continue;
      }
      if (c < 0x20) throw new Fail(i, c === WS_LF ? 'a line break inside a string (write it as \\n)' : 'a control character inside a string (escape it as \\uXXXX)');
      i++;
    }
  };

  const readNumber = (): number => {
    const start = i;
    const m = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    m.lastIndex = i;
    const hit = m.exec(text);
    if (!hit || hit[0] === '-') throw new Fail(start, `a malformed number`);
    i += hit[0].length;
    const next = text.charCodeAt(i);
    if ((next >= 0x30 && next <= 0x39) || next === 0x2e || next === 0x65 || next === 0x45) throw new Fail(start, `a malformed number (${JSON.stringify(text.slice(start, i + 1))})`);
    const v = Number(hit[0]);
    if (!Number.isFinite(v)) throw new Fail(start, `the number ${hit[0].slice(0, 40)} is out of range`);
    return v;
  };

  const readWord = (): JsonValue => {
    const start = i;
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        const after = text.charCodeAt(i + word.length);
        if (!(after >= 0x61 && after <= 0x7a) && !(after >= 0x41 && after <= 0x5a) && !(after >= 0x30 && after <= 0x39)) {
          i += word.length;
          return value;
        }
      }
    }
    const w = /[A-Za-z0-9_$.+-]+/y;
    w.lastIndex = start;
    const hit = w.exec(text);
    if (text.charCodeAt(start) === 0x27) throw new Fail(start, `strings take double quotes, not single quotes`);
    const what = hit ? JSON.stringify(hit[0].slice(0, 40)) : found(text, start);
    throw new Fail(start, `unexpected ${what}: a value is an object, an array, a "string", a number, true, false or null`);
  };

  const readKey = (frame: Frame): void => {
    skipWs();
    const at = i;
    if (i >= n) throw new Fail(i, unclosed(stack, where));
    if (text.charCodeAt(i) !== 0x22) {
      if (text.charCodeAt(i) === 0x7d) throw new Fail(at, 'a comma before `}`: JSON allows no trailing comma');
      throw new Fail(at, `expected a key in double quotes, found ${found(text, i)}`);
    }
    const key = readString();
    if (FORBIDDEN_KEYS.includes(key)) throw new Fail(at, `the key ${JSON.stringify(key)} is not allowed (it could reach an object's prototype)`);
    const keys = frame.offsets.keys as Map<string, number>;
    if (keys.has(key)) throw new Fail(at, `duplicate key ${JSON.stringify(key).slice(0, 80)}: the first is at ${where(keys.get(key) as number)}`);
    if (keys.size >= limits.maxKeys) throw new Fail(at, `more than ${grouped(limits.maxKeys)} keys in one object`);
    keys.set(key, at);
    frame.key = key;
    skipWs();
    if (text.charCodeAt(i) !== 0x3a) throw new Fail(i, `expected \`:\` after the key ${JSON.stringify(key).slice(0, 80)}, found ${found(text, i)}`);
    i++;
  };

  skipWs();
  const root = i;
  let rootValue: JsonValue = null;
  // Each turn reads one value; containers push a frame and the loop reads their members.
  for (;;) {
    skipWs();
    const start = i;
    let value: JsonValue;
    let complete = true;
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      count(start);
      if (stack.length >= limits.maxDepth) throw new Fail(start, `objects and arrays nested deeper than ${limits.maxDepth} levels`);
      const isArray = c === 0x5b;
      const container: JsonValue[] | JsonObject = isArray ? [] : {};
      const offsets: MemberOffsets = { values: new Map(), keys: isArray ? null : new Map(), start };
      i++;
      const frame: Frame = { container, isArray, offsets, key: '' };
      stack.push(frame);
      skipWs();
      if (text.charCodeAt(i) === (isArray ? 0x5d : 0x7d)) {
        i++;
        stack.pop();
        value = container;
        positions.register(container, offsets);
      } else {
        if (!isArray) readKey(frame);
        complete = false;
        value = null;
      }
    } else if (c === 0x22) {
      count(start);
      value = readString();
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      count(start);
      value = readNumber();
    } else if (i >= n) {
      throw new Fail(i, stack.length === 0 ? 'the file is empty' : unclosed(stack, where));
    } else if (c === 0x5d || c === 0x7d) {
      throw new Fail(i, stack.length > 0 && text.charCodeAt(i) === (stack[stack.length - 1].isArray ? 0x5d : 0x7d) ? 'a comma before `' + text[i] + '`: JSON allows no trailing comma' : `unexpected ${found(text, i)}: a value was expected`);
    } else {
      count(start);
      value = readWord();
    }
    if (!complete) continue;

    // a complete value: hand it to its container, closing containers as their ends arrive
    let valueStart = start;
    for (;;) {
      if (stack.length === 0) {
        rootValue = value;
        skipWs();
        if (i < n) throw new Fail(i, `unexpected ${found(text, i)} after the end of the document`);
        positions.root = root;
        return { ok: true, value: rootValue, positions };
      }
      const top = stack[stack.length - 1];
      if (top.isArray) {
        const arr = top.container as JsonValue[];
        if (arr.length >= limits.maxArrayLength) throw new Fail(valueStart, `more than ${grouped(limits.maxArrayLength)} items in one array`);
        top.offsets.values.set(arr.length, valueStart);
        arr.push(value);
      } else {
        Object.defineProperty(top.container, top.key, { value, enumerable: true, writable: true, configurable: true });
        top.offsets.values.set(top.key, valueStart);
      }
      skipWs();
      const d = text.charCodeAt(i);
      if (d === 0x2c) {
        i++;
        if (!top.isArray) readKey(top);
        break; // read the next member
      }
      if (d === (top.isArray ? 0x5d : 0x7d)) {
        i++;
        stack.pop();
        positions.register(top.container, top.offsets);
        value = top.container;
        valueStart = top.offsets.start;
        continue;
      }
      if (i >= n) throw new Fail(i, unclosed(stack, where));
      throw new Fail(i, `expected \`,\` or \`${top.isArray ? ']' : '}'}\` after ${top.isArray ? 'an item' : 'a member'}, found ${found(text, i)}`);
    }
  }

  function unclosed(st: Frame[], at: (offset: number) => string): string {
    const open = st[st.length - 1];
    return `the file ends inside the ${open.isArray ? 'array' : 'object'} opened at ${at(open.offsets.start)}: it is cut short`;
  }
}
