/**
 * The breakpoint condition language: a small, safe expression language over a record of named fields. Text is
 * tokenized and parsed by hand (a Pratt parser) into an AST, and the AST is walked by an evaluator. Nothing is ever
 * handed to `eval` or `new Function`, identifiers only ever read own properties of the context record, and every
 * error is a value (never a throw) carrying the 1-based column it was found at and what was expected there.
 *
 * Syntax
 *   literals     42  0x2a  1.5  'text'  "text"  true  false
 *                sizes in bytes: 64KiB 2MiB 1.5GiB 1TiB   durations in ns: 500ns 2.5us 2.5µs 3ms 1s
 *   fields       block  page  proc  bytes  cause  procName …  (whatever the context holds)
 *   operators    C's, C's precedence, loosest first:
 *                  ||    &&    |    ^    &    == !=    < <= > >= in    + -    * / %    unary ! - + ~
 *                so, as in C, `x & 4 == 4` means `x & (4 == 4)`: write `(x & 4) == 4`.
 *   membership   cause in ['prefetch', 'eviction']      dst in [1, 2]
 *   grouping     ( … )
 *
 * Semantics (values are numbers, strings, booleans or undefined)
 *   - A field the context does not hold is undefined, and so is any arithmetic, comparison, `in` or `!` that reads
 *     an undefined operand: a condition on a field a transition does not have is simply false.
 *   - `&&` and `||` short-circuit and give a boolean; undefined counts as false there.
 *   - Arithmetic and ordering need numbers (booleans count as 1 and 0); `+` also joins two strings, and ordering
 *     also compares two strings. `/` is real division. Dividing by zero, a non-finite result or an operator on
 *     values of the wrong types gives undefined.
 *   - `& | ^ ~` need integers and work on the whole value (not truncated to 32 bits).
 *   - `==` and `!=` compare values of one type; a number and a string are never equal.
 *   - Truthy: true, a non-zero number, a non-empty string.
 *
 * Limits: at most MAX_EXPR_LENGTH characters and MAX_EXPR_DEPTH levels of nesting.
 */

export const MAX_EXPR_LENGTH = 1000;
export const MAX_EXPR_DEPTH = 64;

export type Value = number | string | boolean | undefined;
/** What an expression reads its fields from. Only own properties are visible. */
export type ExprContext = Readonly<Record<string, Value>>;

export interface ExprError {
  /** 1-based column in the text that was parsed. */
  col: number;
  message: string;
}

export type BinaryOp = '||' | '&&' | '|' | '^' | '&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';
export type UnaryOp = '!' | '-' | '+' | '~';

export type Expr =
  | { type: 'number'; value: number; col: number }
  | { type: 'string'; value: string; col: number }
  | { type: 'boolean'; value: boolean; col: number }
  | { type: 'ident'; name: string; col: number }
  | { type: 'unary'; op: UnaryOp; arg: Expr; col: number }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; col: number }
  | { type: 'in'; left: Expr; items: Expr[]; col: number };

export type ParseExprResult = { ok: true; expr: Expr } | { ok: false; error: ExprError };

export interface ParseExprOptions {
  /** The fields the expression may name. When given, any other identifier is a parse error. */
  identifiers?: readonly string[];
}

export function formatExprError(e: ExprError): string {
  return `col ${e.col}: ${e.message}`;
}

// ---------------------------------------------------------------- tokens

export type TokenType = 'number' | 'string' | 'ident' | 'op' | 'end';

export interface Token {
  type: TokenType;
  /** The source text of the token ('' for the end). */
  text: string;
  /** 1-based column of the token's first character. */
  col: number;
  /** For numbers: the value; for strings: the unescaped text. */
  value?: number | string;
}

export type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; error: ExprError };

const OPERATORS = ['||', '&&', '==', '!=', '<=', '>=', '|', '^', '&', '<', '>', '+', '-', '*', '/', '%', '!', '~', '(', ')', '[', ']', ','];

/** Bytes per size unit and nanoseconds per duration unit (as a power of ten). */
const SIZE_UNITS: Readonly<Record<string, number>> = { KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };
const DURATION_EXPONENTS: Readonly<Record<string, number>> = { ns: 0, us: 3, 'µs': 3, 'μs': 3, ms: 6, s: 9 };
const UNIT_HELP = 'a size unit (KiB, MiB, GiB, TiB) or a duration unit (ns, us, ms, s)';

const isDigit = (c: string) => c >= '0' && c <= '9';
const isHexDigit = (c: string) => isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentPart = (c: string) => isIdentStart(c) || isDigit(c);
const isUnitPart = (c: string) => isIdentPart(c) || c === 'µ' || c === 'μ';
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** How a token is named in a message. */
function show(t: Token): string {
  if (t.type === 'end') return 'the end of the expression';
  const text = t.text.length > 20 ? `${t.text.slice(0, 20)}…` : t.text;
  return t.type === 'string' ? `the string ${text}` : `'${text}'`;
}

export function tokenize(text: string): TokenizeResult {
  if (typeof text !== 'string') return { ok: false, error: { col: 1, message: 'expected the expression as text' } };
  if (text.length > MAX_EXPR_LENGTH)
    return { ok: false, error: { col: MAX_EXPR_LENGTH + 1, message: `an expression may be at most ${MAX_EXPR_LENGTH} characters long (this one has ${text.length})` } };
  const tokens: Token[] = [];
  let i = 0;
  const fail = (at: number, message: string): TokenizeResult => ({ ok: false, error: { col: at + 1, message } });
  while (i < text.length) {
    const c = text[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      let value: number;
      if (c === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
        i += 2;
        const digitsAt = i;
        while (i < text.length && isHexDigit(text[i])) i++;
        if (i === digitsAt) return fail(digitsAt, "expected hex digits after '0x'");
        value = Number.parseInt(text.slice(digitsAt, i), 16);
        if (i < text.length && isIdentPart(text[i])) return fail(i, `unexpected '${text[i]}' in the hex number '${text.slice(start, i + 1)}'`);
      } else {
        while (i < text.length && isDigit(text[i])) i++;
        const whole = text.slice(start, i);
        let fraction = '';
        if (text[i] === '.') {
          const fracAt = ++i;
          while (i < text.length && isDigit(text[i])) i++;
          fraction = text.slice(fracAt, i);
          if (!fraction) return fail(fracAt, `expected digits after the decimal point in '${text.slice(start, fracAt)}'`);
        }
        const unitAt = i;
        while (i < text.length && isUnitPart(text[i])) i++;
        const unit = text.slice(unitAt, i);
        if (!unit) value = Number(`${whole}${fraction ? `.${fraction}` : ''}`);
        else if (Object.hasOwn(SIZE_UNITS, unit)) {
          value = Number(`${whole}${fraction ? `.${fraction}` : ''}`) * SIZE_UNITS[unit];
          if (!Number.isInteger(value)) return fail(start, `${text.slice(start, i)} is not a whole number of bytes`);
        } else if (Object.hasOwn(DURATION_EXPONENTS, unit)) {
          // rescale as text so that 2.67us is exactly 2670, not 2670.0000000000005
          value = Number(`${whole}${fraction}e${DURATION_EXPONENTS[unit] - fraction.length}`);
        } else {
          const hint = /^(k|m|g|t)i?b?$/i.test(unit) ? ` (sizes are binary: write ${whole}${fraction ? `.${fraction}` : ''}${unit[0].toUpperCase()}iB)` : '';
          return fail(unitAt, `unknown unit '${unit}': expected ${UNIT_HELP}${hint}`);
        }
      }
      if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER)
        return fail(start, `the number ${text.slice(start, i)} is too large (the limit is 2^53)`);
      tokens.push({ type: 'number', text: text.slice(start, i), col: start + 1, value });
      continue;
    }
    if (c === '.' && isDigit(text[i + 1] ?? '')) return fail(i, `write a digit before the decimal point (0${text.slice(i, i + 4)})`);
    if (isIdentStart(c)) {
      while (i < text.length && isIdentPart(text[i])) i++;
      tokens.push({ type: 'ident', text: text.slice(start, i), col: start + 1 });
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) return fail(start, `unterminated string: expected a closing ${c}`);
        const d = text[i];
        if (d === c) {
          i++;
          break;
        }
        if (d === '\\') {
          const e = text[i + 1];
          if (e === undefined) return fail(start, `unterminated string: expected a closing ${c}`);
          const escaped = e === 'n' ? '\n' : e === 't' ? '\t' : e === '\\' || e === '"' || e === "'" ? e : null;
          if (escaped === null) return fail(i, `unknown escape '\\${e}' in a string: expected \\\\, \\', \\", \\n or \\t`);
          value += escaped;
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      tokens.push({ type: 'string', text: text.slice(start, i), col: start + 1, value });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      i += op.length;
      tokens.push({ type: 'op', text: op, col: start + 1 });
      continue;
    }
    if (c === '=') return fail(i, "'=' is not an operator: to compare, write '=='");
    const cp = text.codePointAt(i) ?? 0;
    const shown = cp < 32 || cp === 127 ? `\\u${cp.toString(16).padStart(4, '0')}` : String.fromCodePoint(cp);
    return fail(i, `unexpected character '${shown}'`);
  }
  tokens.push({ type: 'end', text: '', col: text.length + 1 });
  return { ok: true, tokens };
}

// ---------------------------------------------------------------- parser

/** Binding power of each binary operator: C's precedence, loosest first. `in` sits with the relational operators. */
const BINARY_POWER: Readonly<Record<string, number>> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '<=': 7,
  '>': 7,
  '>=': 7,
  in: 7,
  '+': 8,
  '-': 8,
  '*': 9,
  '/': 9,
  '%': 9,
};
const UNARY_OPS = ['!', '-', '+', '~'];
const KEYWORDS = ['true', 'false', 'in'];

class ParseError {
  constructor(readonly error: ExprError) {}
}

class Parser {
  private pos = 0;
  private nesting = 0;
  /** Depth of each node built so far (1 for a leaf). */
  private readonly depths = new WeakMap<Expr, number>();

  constructor(
    private readonly tokens: Token[],
    private readonly known: ReadonlySet<string> | null,
    private readonly knownList: readonly string[],
  ) {}

  private peek(): Token {
    return this.tokens[this.pos];
  }
  private next(): Token {
    const t = this.tokens[this.pos];
    if (t.type !== 'end') this.pos++;
    return t;
  }
  private fail(col: number, message: string): never {
    throw new ParseError({ col, message });
  }
  private isOp(t: Token, op: string): boolean {
    return t.type === 'op' && t.text === op;
  }

  /** Give a new node its depth (1 + its deepest child) and enforce the limit. */
  private node<E extends Expr>(e: E, children: Expr[]): E {
    let d = 0;
    for (const c of children) d = Math.max(d, this.depths.get(c) ?? 1);
    if (d + 1 > MAX_EXPR_DEPTH) {
      const hint = e.type === 'binary' ? ' (each operator of a chain adds a level: for many values, write x in [a, b, …])' : '';
      this.fail(e.col, `the expression nests deeper than ${MAX_EXPR_DEPTH} levels${hint}`);
    }
    this.depths.set(e, d + 1);
    return e;
  }

  parseAll(): Expr {
    const first = this.peek();
    if (first.type === 'end') this.fail(first.col, 'expected an expression');
    const e = this.expression(0, null);
    const t = this.peek();
    if (t.type !== 'end') {
      if (this.isOp(t, ')')) this.fail(t.col, "unexpected ')': no '(' is open");
      if (this.isOp(t, ']') || this.isOp(t, ',')) this.fail(t.col, `unexpected ${show(t)} outside a list`);
      this.fail(t.col, `expected an operator or the end of the expression, found ${show(t)}`);
    }
    return e;
  }

  /** Parse operators binding tighter than `minPower`. `after` names the token that needed this operand. */
  private expression(minPower: number, after: Token | null): Expr {
    if (++this.nesting > MAX_EXPR_DEPTH) this.fail(this.peek().col, `the expression nests deeper than ${MAX_EXPR_DEPTH} levels`);
    let left = this.operand(after);
    for (;;) {
      const t = this.peek();
      const name = t.type === 'op' || (t.type === 'ident' && t.text === 'in') ? t.text : null;
      const power = name !== null && Object.hasOwn(BINARY_POWER, name) ? BINARY_POWER[name] : 0;
      if (power === 0 || power <= minPower) break;
      this.next();
      if (name === 'in') left = this.inList(left, t);
      else {
        // left-associative: the right operand takes only operators binding tighter than this one
        const right = this.expression(power, t);
        left = this.node({ type: 'binary', op: name as BinaryOp, left, right, col: t.col }, [left, right]);
      }
    }
    this.nesting--;
    return left;
  }

  private inList(left: Expr, inTok: Token): Expr {
    const open = this.next();
    if (!this.isOp(open, '[')) this.fail(open.col, `expected '[' after 'in', found ${show(open)}`);
    const items: Expr[] = [];
    if (this.isOp(this.peek(), ']')) this.fail(this.peek().col, "expected at least one value in the list after 'in'");
    for (;;) {
      items.push(this.expression(0, items.length ? this.tokens[this.pos - 1] : open));
      const t = this.next();
      if (this.isOp(t, ']')) break;
      if (!this.isOp(t, ',')) this.fail(t.col, `expected ',' or ']' in the list opened at col ${open.col}, found ${show(t)}`);
    }
    return this.node({ type: 'in', left, items, col: inTok.col }, [left, ...items]);
  }

  private operand(after: Token | null): Expr {
    const t = this.next();
    switch (t.type) {
      case 'number':
        return this.node({ type: 'number', value: t.value as number, col: t.col }, []);
      case 'string':
        return this.node({ type: 'string', value: t.value as string, col: t.col }, []);
      case 'ident': {
        if (t.text === 'true' || t.text === 'false') return this.node({ type: 'boolean', value: t.text === 'true', col: t.col }, []);
        if (t.text === 'in') return this.missingOperand(t, after);
        if (this.known && !this.known.has(t.text)) this.unknown(t);
        return this.node({ type: 'ident', name: t.text, col: t.col }, []);
      }
      case 'op': {
        if (t.text === '(') {
          const inner = this.expression(0, t);
          const close = this.next();
          if (!this.isOp(close, ')')) this.fail(close.col, `expected ')' to close the '(' at col ${t.col}, found ${show(close)}`);
          return inner;
        }
        if (UNARY_OPS.includes(t.text)) {
          if (++this.nesting > MAX_EXPR_DEPTH) this.fail(t.col, `the expression nests deeper than ${MAX_EXPR_DEPTH} levels`);
          const arg = this.operand(t);
          this.nesting--;
          return this.node({ type: 'unary', op: t.text as UnaryOp, arg, col: t.col }, [arg]);
        }
        return this.missingOperand(t, after);
      }
      case 'end':
        return this.missingOperand(t, after);
    }
  }

  private missingOperand(found: Token, after: Token | null): never {
    const what = 'an operand (a number, a string, a field or \'(\')';
    if (after) this.fail(found.col, `expected an operand after '${after.text}', found ${show(found)}`);
    this.fail(found.col, `expected ${what}, found ${show(found)}`);
  }

  private unknown(t: Token): never {
    const close = closestNames(t.text, this.knownList);
    let hint = close.length
      ? `; did you mean ${close.map((n) => `'${n}'`).join(' or ')}?`
      : this.knownList.length
        ? `; the fields are ${this.knownList.join(', ')}`
        : '; no fields are available here';
    const nameFields = this.knownList.filter((n) => /^(proc|src|dst)Name$/.test(n));
    if (/^(cpu|gpu\d*)$/i.test(t.text) && nameFields.length)
      hint += ` (a processor is named by a string: ${nameFields.map((n) => `${n} == '${t.text}'`).join(', ')})`;
    this.fail(t.col, `unknown field '${t.text}'${hint}`);
  }
}

/** Parse a condition. Never throws: every problem comes back as a located error. */
export function parseExpr(text: string, options: ParseExprOptions = {}): ParseExprResult {
  const lexed = tokenize(text);
  if (!lexed.ok) return lexed;
  const list = options.identifiers ? options.identifiers.filter((n) => !KEYWORDS.includes(n)) : [];
  const parser = new Parser(lexed.tokens, options.identifiers ? new Set(list) : null, list);
  try {
    return { ok: true, expr: parser.parseAll() };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e.error };
    /* c8 ignore next 2 */
    return { ok: false, error: { col: 1, message: `the expression could not be parsed (${String(e)})` } };
  }
}

// ---------------------------------------------------------------- evaluation

export function truthy(v: Value): boolean {
  return v === true || (typeof v === 'number' && v !== 0 && !Number.isNaN(v)) || (typeof v === 'string' && v.length > 0);
}

function num(v: Value): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : undefined;
}
function finite(n: number): number | undefined {
  return Number.isFinite(n) ? n : undefined;
}
function int(v: Value): bigint | undefined {
  const n = num(v);
  return n !== undefined && Number.isSafeInteger(n) ? BigInt(n) : undefined;
}
function fromBig(b: bigint): number | undefined {
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `==` on two defined values: one type (booleans count as numbers), or never equal. */
function equal(a: Exclude<Value, undefined>, b: Exclude<Value, undefined>): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return num(a) === num(b);
}

function lookup(ctx: ExprContext, name: string): Value {
  if (!Object.hasOwn(ctx, name)) return undefined;
  const v = ctx[name];
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : undefined;
}

export function evalExpr(expr: Expr, ctx: ExprContext): Value {
  switch (expr.type) {
    case 'number':
    case 'string':
    case 'boolean':
      return expr.value;
    case 'ident':
      return lookup(ctx, expr.name);
    case 'unary': {
      const v = evalExpr(expr.arg, ctx);
      if (v === undefined) return undefined;
      switch (expr.op) {
        case '!':
          return !truthy(v);
        case '-': {
          const n = num(v);
          return n === undefined ? undefined : n === 0 ? 0 : -n;
        }
        case '+':
          return num(v);
        case '~': {
          const b = int(v);
          return b === undefined ? undefined : fromBig(~b);
        }
      }
      return undefined;
    }
    case 'in': {
      const v = evalExpr(expr.left, ctx);
      if (v === undefined) return undefined;
      for (const item of expr.items) {
        const w = evalExpr(item, ctx);
        if (w !== undefined && equal(v, w)) return true;
      }
      return false;
    }
    case 'binary': {
      const op = expr.op;
      if (op === '&&') return truthy(evalExpr(expr.left, ctx)) && truthy(evalExpr(expr.right, ctx));
      if (op === '||') return truthy(evalExpr(expr.left, ctx)) || truthy(evalExpr(expr.right, ctx));
      const a = evalExpr(expr.left, ctx);
      const b = evalExpr(expr.right, ctx);
      if (a === undefined || b === undefined) return undefined;
      switch (op) {
        case '==':
          return equal(a, b);
        case '!=':
          return !equal(a, b);
        case '<':
        case '<=':
        case '>':
        case '>=': {
          let x: number | string | undefined;
          let y: number | string | undefined;
          if (typeof a === 'string' && typeof b === 'string') [x, y] = [a, b];
          else if (typeof a !== 'string' && typeof b !== 'string') [x, y] = [num(a), num(b)];
          if (x === undefined || y === undefined) return undefined;
          return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
        }
        case '+':
          if (typeof a === 'string' && typeof b === 'string') return a + b;
          break;
        case '&':
        case '|':
        case '^': {
          const x = int(a);
          const y = int(b);
          if (x === undefined || y === undefined) return undefined;
          return fromBig(op === '&' ? x & y : op === '|' ? x | y : x ^ y);
        }
      }
      const x = num(a);
      const y = num(b);
      if (x === undefined || y === undefined) return undefined;
      switch (op) {
        case '+':
          return finite(x + y);
        case '-':
          return finite(x - y);
        case '*':
          return finite(x * y);
        case '/':
          return y === 0 ? undefined : finite(x / y);
        case '%':
          return y === 0 ? undefined : finite(x % y);
      }
      return undefined;
    }
  }
}

/** Evaluate a condition to a yes or no: undefined (a missing field, a type mismatch) is no. */
export function testExpr(expr: Expr, ctx: ExprContext): boolean {
  return truthy(evalExpr(expr, ctx));
}

// ---------------------------------------------------------------- helpers

/** The distinct field names an expression reads, in order of first appearance. */
export function exprIdentifiers(expr: Expr): string[] {
  const out: string[] = [];
  const walk = (e: Expr): void => {
    switch (e.type) {
      case 'ident':
        if (!out.includes(e.name)) out.push(e.name);
        return;
      case 'unary':
        return walk(e.arg);
      case 'binary':
        walk(e.left);
        return walk(e.right);
      case 'in':
        walk(e.left);
        for (const i of e.items) walk(i);
        return;
      default:
        return;
    }
  };
  walk(expr);
  return out;
}

/** The expression written back with every operation in parentheses (shows how it was grouped). */
export function formatExpr(expr: Expr): string {
  switch (expr.type) {
    case 'number':
      return String(expr.value);
    case 'string':
      return `'${expr.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\t/g, '\\t')}'`;
    case 'boolean':
      return String(expr.value);
    case 'ident':
      return expr.name;
    case 'unary':
      return `(${expr.op}${formatExpr(expr.arg)})`;
    case 'binary':
      return `(${formatExpr(expr.left)} ${expr.op} ${formatExpr(expr.right)})`;
    case 'in':
      return `(${formatExpr(expr.left)} in [${expr.items.map(formatExpr).join(', ')}])`;
  }
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n];
}

/**
 * The candidates closest to `name` (case-insensitive edit distance, then prefix matches), best first, at most `max`.
 * Only reasonably close names are offered; an empty list means nothing is close.
 */
export function closestNames(name: string, candidates: readonly string[], max = 3): string[] {
  const lower = name.toLowerCase();
  const scored: { n: string; d: number; i: number }[] = [];
  candidates.forEach((n, i) => {
    const cl = n.toLowerCase();
    let d = editDistance(lower, cl);
    if (lower.length >= 3 && cl.includes(lower)) d = Math.min(d, 1);
    const limit = Math.max(2, Math.floor(Math.max(name.length, 1) / 3));
    // a name with words left out (evict_chunk for evict_root_chunk) is close too: discount pure insertions
    const inserted = lower.length >= 4 ? Math.max(0, cl.length - lower.length) : 0;
    if (d <= limit || (inserted > 0 && d - inserted <= 1)) scored.push({ n, d, i });
  });
  scored.sort((a, b) => a.d - b.d || a.i - b.i);
  const out: string[] = [];
  for (const s of scored) if (!out.includes(s.n) && out.length < max) out.push(s.n);
  return out;
}
