import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  closestNames,
  evalExpr,
  exprIdentifiers,
  formatExpr,
  formatExprError,
  MAX_EXPR_DEPTH,
  MAX_EXPR_LENGTH,
  parseExpr,
  testExpr,
  tokenize,
  truthy,
  type Expr,
  type ExprContext,
  type Value,
} from '../../src/engine/run/expr';

function parsed(text: string, identifiers?: readonly string[]): Expr {
  const r = parseExpr(text, { identifiers });
  if (!r.ok) throw new Error(`${text}: ${formatExprError(r.error)}`);
  return r.expr;
}
/** How the parser grouped an expression, every operation in parentheses. */
const grouping = (text: string) => formatExpr(parsed(text));
const value = (text: string, ctx: ExprContext = {}) => evalExpr(parsed(text), ctx);
function failure(text: string, identifiers?: readonly string[]) {
  const r = parseExpr(text, { identifiers });
  if (r.ok) throw new Error(`${text} parsed as ${formatExpr(r.expr)}`);
  return r.error;
}

describe('the tokenizer', () => {
  it('splits an expression into numbers, strings, identifiers and operators with 1-based columns', () => {
    const r = tokenize("bytes >= 64KiB && cause != 'prefetch'");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.tokens.map((t) => [t.type, t.text, t.col])).toEqual([
      ['ident', 'bytes', 1],
      ['op', '>=', 7],
      ['number', '64KiB', 10],
      ['op', '&&', 16],
      ['ident', 'cause', 19],
      ['op', '!=', 25],
      ['string', "'prefetch'", 28],
      ['end', '', 38],
    ]);
    expect(r.tokens[2].value).toBe(65536);
    expect(r.tokens[6].value).toBe('prefetch');
  });

  it('takes the longest operator: <= is one token, < = is two', () => {
    const ops = (text: string) => {
      const r = tokenize(text);
      return r.ok ? r.tokens.filter((t) => t.type === 'op').map((t) => t.text) : r.error.message;
    };
    expect(ops('a<=b')).toEqual(['<=']);
    expect(ops('a||b&&c|d&e')).toEqual(['||', '&&', '|', '&']);
    expect(ops('!a != ~b')).toEqual(['!', '!=', '~']);
  });

  it('reads decimal, hex and fractional numbers', () => {
    expect(value('42')).toBe(42);
    expect(value('0x2a')).toBe(42);
    expect(value('0XFF')).toBe(255);
    expect(value('1.5')).toBe(1.5);
    expect(value('007')).toBe(7);
  });

  it('reads sizes as bytes and durations as nanoseconds', () => {
    expect(value('64KiB')).toBe(65536);
    expect(value('2MiB')).toBe(2 * 2 ** 20);
    expect(value('1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(value('1TiB')).toBe(2 ** 40);
    expect(value('500ns')).toBe(500);
    expect(value('2.67us')).toBe(2670);
    expect(value('2.5µs')).toBe(2500);
    expect(value('3ms')).toBe(3_000_000);
    expect(value('1s')).toBe(1e9);
  });

  it('reads strings in either quote with escapes', () => {
    expect(value(`'gpu0'`)).toBe('gpu0');
    expect(value(`"gpu0"`)).toBe('gpu0');
    expect(value(`'it\\'s'`)).toBe("it's");
    expect(value(`"a\\"b\\\\c\\n\\t"`)).toBe('a"b\\c\n\t');
    expect(value(`"it's"`)).toBe("it's");
  });

  it('reads true and false as booleans', () => {
    expect(value('true')).toBe(true);
    expect(value('false')).toBe(false);
  });
});

describe('the parser', () => {
  it('follows C precedence, loosest first: || && | ^ & == < + * unary', () => {
    expect(grouping('a || b && c')).toBe('(a || (b && c))');
    expect(grouping('a && b | c')).toBe('(a && (b | c))');
    expect(grouping('a | b ^ c')).toBe('(a | (b ^ c))');
    expect(grouping('a ^ b & c')).toBe('(a ^ (b & c))');
    expect(grouping('a & b == c')).toBe('(a & (b == c))');
    expect(grouping('a == b < c')).toBe('(a == (b < c))');
    expect(grouping('a < b + c')).toBe('(a < (b + c))');
    expect(grouping('a + b * c')).toBe('(a + (b * c))');
    expect(grouping('-a * b')).toBe('((-a) * b)');
    expect(grouping('!a == b')).toBe('((!a) == b)');
    expect(grouping('a || b && c | d ^ e & f == g < h + i * j')).toBe('(a || (b && (c | (d ^ (e & (f == (g < (h + (i * j)))))))))');
    expect(grouping('a * b + c < d == e & f ^ g | h && i || j')).toBe('(((((((((a * b) + c) < d) == e) & f) ^ g) | h) && i) || j)');
  });

  it('groups operators of one level from the left', () => {
    expect(grouping('a - b - c')).toBe('((a - b) - c)');
    expect(grouping('a / b % c * d')).toBe('(((a / b) % c) * d)');
    expect(grouping('a != b == c')).toBe('((a != b) == c)');
    expect(grouping('a <= b > c')).toBe('((a <= b) > c)');
    expect(value('10 - 3 - 2')).toBe(5);
    expect(value('100 / 10 / 5')).toBe(2);
  });

  it('lets parentheses override precedence', () => {
    expect(grouping('(a || b) && c')).toBe('((a || b) && c)');
    expect(grouping('(a + b) * c')).toBe('((a + b) * c)');
    expect(value('(1 + 2) * 3')).toBe(9);
    expect(value('((((7))))')).toBe(7);
  });

  it('puts in [..] at the level of the relational operators', () => {
    expect(grouping('a in [1, 2] && b')).toBe('((a in [1, 2]) && b)');
    expect(grouping('a + 1 in [2, 3]')).toBe('((a + 1) in [2, 3])');
    expect(grouping('x in [1 + 1, y * 2]')).toBe('(x in [(1 + 1), (y * 2)])');
  });

  it('stacks unary operators', () => {
    expect(grouping('!!a')).toBe('(!(!a))');
    expect(grouping('- -a')).toBe('(-(-a))');
    expect(grouping('~-a')).toBe('(~(-a))');
    expect(value('!!5')).toBe(true);
  });

  it('lists the fields an expression reads', () => {
    expect(exprIdentifiers(parsed('block == 3 && (page < 16 || block in [x, 4]) && time > 0'))).toEqual(['block', 'page', 'x', 'time']);
  });
});

describe('operators', () => {
  const ctx: ExprContext = { a: 12, b: 5, z: 0, s: 'gpu0', t: 'cpu', yes: true, no: false };
  const cases: [string, Value][] = [
    ['a + b', 17],
    ['a - b', 7],
    ['a * b', 60],
    ['a / b', 2.4],
    ['a % b', 2],
    ['-a', -12],
    ['+a', 12],
    ['a & b', 4],
    ['a | b', 13],
    ['a ^ b', 9],
    ['~a', -13],
    ['a == 12', true],
    ['a != 12', false],
    ['a < b', false],
    ['a <= 12', true],
    ['a > b', true],
    ['a >= 13', false],
    ['a > b && b > z', true],
    ['a > b && z', false],
    ['z || b', true],
    ['z || no', false],
    ['!z', true],
    ['!a', false],
    ['b in [1, 5, 9]', true],
    ['b in [1, 9]', false],
    ["s in ['cpu', 'gpu0']", true],
    ["s == 'gpu0'", true],
    ["s != 'gpu0'", false],
    ["s + '/' + t", 'gpu0/cpu'],
    ["t < s", true],
    ['yes == 1', true],
    ['yes + yes', 2],
    ['no == false', true],
  ];
  it.each(cases)('%s evaluates to %s', (text, expected) => {
    expect(value(text, ctx)).toBe(expected);
  });

  it('does bitwise operations on the whole value, not 32 bits of it', () => {
    expect(value('0x100000000 | 1')).toBe(2 ** 32 + 1);
    expect(value('(3 * 4GiB) & 4GiB')).toBe(2 ** 32);
    expect(value('~0')).toBe(-1);
    expect(value('0x1F ^ 0x10')).toBe(0xf);
  });

  it('follows C in grouping x & 4 == 4 as x & (4 == 4)', () => {
    expect(value('x & 4 == 4', { x: 6 })).toBe(0);
    expect(value('(x & 4) == 4', { x: 6 })).toBe(true);
  });

  it('short-circuits && and || and always gives a boolean', () => {
    expect(value('0 && missing')).toBe(false);
    expect(value('missing || 0')).toBe(false);
    expect(value('1 || 1 / 0')).toBe(true);
    expect(value('2 && 3')).toBe(true);
  });
});

describe('undefined and mismatched values', () => {
  it('makes a missing field undefined, and a condition on it false', () => {
    expect(value('block')).toBeUndefined();
    expect(value('block == 3')).toBeUndefined();
    expect(value('block != 3')).toBeUndefined();
    expect(value('!block')).toBeUndefined();
    expect(value('block in [1, 2]')).toBeUndefined();
    expect(value('block + 1 > 0')).toBeUndefined();
    expect(testExpr(parsed('block != 3'), {})).toBe(false);
    expect(testExpr(parsed('!(block == 3)'), {})).toBe(false);
    expect(value('block == 3 || 1')).toBe(true);
  });

  it('never makes a number equal to a string', () => {
    expect(value("dst == 'gpu0'", { dst: 1 })).toBe(false);
    expect(value("dst != 'gpu0'", { dst: 1 })).toBe(true);
    expect(value("'1' == 1")).toBe(false);
    expect(value("'a' < 1")).toBeUndefined();
    expect(value("'a' * 2")).toBeUndefined();
    expect(value("'a' & 1")).toBeUndefined();
    expect(value("-'a'")).toBeUndefined();
  });

  it('gives undefined for division by zero, overflow and bitwise operations on fractions', () => {
    expect(value('1 / 0')).toBeUndefined();
    expect(value('1 % 0')).toBeUndefined();
    expect(value('1.5 | 0')).toBeUndefined();
    expect(value('~0.5')).toBeUndefined();
    expect(value('x * x * x * x', { x: 1e100 })).toBeUndefined();
    expect(value('x - x', { x: Number.POSITIVE_INFINITY })).toBeUndefined();
  });

  it('calls true, non-zero numbers and non-empty strings truthy', () => {
    expect([true, 1, -1, 0.5, 'x'].map(truthy)).toEqual([true, true, true, true, true]);
    expect([false, 0, Number.NaN, '', undefined].map(truthy)).toEqual([false, false, false, false, false]);
  });
});

describe('errors', () => {
  const cases: [string, number, string][] = [
    ['', 1, 'expected an expression'],
    ['   ', 4, 'expected an expression'],
    ['x == 1 &&', 10, "expected an operand after '&&', found the end of the expression"],
    ['a && || b', 6, "expected an operand after '&&', found '||'"],
    ['(a', 3, "expected ')' to close the '(' at col 1"],
    ['a)', 2, "unexpected ')': no '(' is open"],
    ['a b', 3, "expected an operator or the end of the expression, found 'b'"],
    ['a = 1', 3, "'=' is not an operator: to compare, write '=='"],
    ['a in 3', 6, "expected '[' after 'in'"],
    ['a in []', 7, "expected at least one value in the list after 'in'"],
    ['a in [1 2]', 9, "expected ',' or ']' in the list opened at col 6"],
    ['a in [1,', 9, "expected an operand after ','"],
    ['in', 1, "expected an operand (a number, a string, a field or '('), found 'in'"],
    ['1 + * 2', 5, "expected an operand after '+', found '*'"],
    ['!', 2, "expected an operand after '!'"],
    ['"abc', 1, 'unterminated string: expected a closing "'],
    ["'a\\qb'", 3, "unknown escape '\\q'"],
    ['0x', 3, "expected hex digits after '0x'"],
    ['0x1g', 4, "unexpected 'g' in the hex number"],
    ['1.', 3, 'expected digits after the decimal point'],
    ['.5', 1, 'write a digit before the decimal point'],
    ['10MB', 3, "unknown unit 'MB'"],
    ['1.1KiB', 1, '1.1KiB is not a whole number of bytes'],
    ['99999999999999999', 1, 'is too large'],
    ['a # b', 3, "unexpected character '#'"],
    ['a ] b', 3, "unexpected ']' outside a list"],
  ];
  it.each(cases)('%j fails at col %i: %s', (text, col, message) => {
    const e = failure(text);
    expect(e.col).toBe(col);
    expect(e.message).toContain(message);
  });

  it('formats an error as col N: message', () => {
    expect(formatExprError(failure('a &&'))).toBe("col 5: expected an operand after '&&', found the end of the expression");
  });

  it('hints at binary units for decimal-looking ones', () => {
    expect(failure('bytes > 1MB').message).toContain('write 1MiB');
  });

  it('refuses unknown fields when the caller lists the known ones, with the closest names', () => {
    const fields = ['block', 'page', 'bytes', 'procName'];
    const e = failure('page < 3 && blok == 2', fields);
    expect(e.col).toBe(13);
    expect(e.message).toBe("unknown field 'blok'; did you mean 'block'?");
    expect(failure('zzz', fields).message).toBe("unknown field 'zzz'; the fields are block, page, bytes, procName");
    expect(failure('procName == gpu0', fields).message).toContain("a processor is named by a string: procName == 'gpu0'");
    expect(parseExpr('block == 1 && procName == "gpu0"', { identifiers: fields }).ok).toBe(true);
  });

  it('leaves unknown fields to evaluate as undefined when no list is given', () => {
    expect(parseExpr('anything == 1').ok).toBe(true);
  });
});

describe('limits', () => {
  it(`accepts ${MAX_EXPR_LENGTH} characters and refuses one more`, () => {
    const ok = `'${'x'.repeat(MAX_EXPR_LENGTH - 2)}'`;
    expect(ok.length).toBe(MAX_EXPR_LENGTH);
    expect(value(ok)).toBe('x'.repeat(MAX_EXPR_LENGTH - 2));
    const e = failure(`${ok} `);
    expect(e.col).toBe(MAX_EXPR_LENGTH + 1);
    expect(e.message).toContain(`at most ${MAX_EXPR_LENGTH} characters`);
  });

  it(`accepts ${MAX_EXPR_DEPTH} levels of nesting and refuses one more`, () => {
    const parens = (n: number) => `${'('.repeat(n)}1${')'.repeat(n)}`;
    expect(value(parens(MAX_EXPR_DEPTH - 1))).toBe(1);
    expect(failure(parens(MAX_EXPR_DEPTH)).message).toContain(`nests deeper than ${MAX_EXPR_DEPTH} levels`);
    const negations = (n: number) => `${'-'.repeat(n)}1`;
    expect(value(negations(MAX_EXPR_DEPTH - 1))).toBe(-1);
    expect(failure(negations(MAX_EXPR_DEPTH)).message).toContain('nests deeper');
  });

  it(`refuses an AST deeper than ${MAX_EXPR_DEPTH}, even from a flat chain, and points at in [..]`, () => {
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `p == ${i}`).join(' || ');
    expect(value(chain(MAX_EXPR_DEPTH / 2), { p: 3 })).toBe(true);
    const e = failure(chain(MAX_EXPR_DEPTH));
    expect(e.message).toContain('nests deeper');
    expect(e.message).toContain('in [');
    expect(value(`p in [${Array.from({ length: 200 }, (_, i) => i).join(', ')}]`, { p: 199 })).toBe(true);
  });
});

describe('safety', () => {
  it('never reaches Object.prototype through an identifier', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__']) {
      expect(value(name, {})).toBeUndefined();
      expect(value(`${name} == ${name}`, {})).toBeUndefined();
      expect(value(`${name} + ''`, { x: 1 })).toBeUndefined();
    }
  });

  it('reads only own properties of the context, and only plain values', () => {
    const inherited = Object.create({ secret: 7 }) as ExprContext;
    expect(value('secret', inherited)).toBeUndefined();
    const odd = { f: (() => 1) as unknown as Value, o: {} as unknown as Value, n: null as unknown as Value };
    expect(value('f', odd)).toBeUndefined();
    expect(value('o', odd)).toBeUndefined();
    expect(value('n', odd)).toBeUndefined();
    const own = Object.create(null) as Record<string, Value>;
    own.__proto__ = 5;
    expect(value('__proto__ + 1', own)).toBe(6);
  });

  it('does not let a string reach code: quotes and escapes stay data', () => {
    expect(value(`'); process.exit(1); ('`)).toBe('); process.exit(1); (');
    expect(value(`"constructor"`)).toBe('constructor');
  });
});

describe('properties', () => {
  const pieces = ['a', 'b', 'block', '__proto__', '1', '0x1f', '2MiB', '1.5', "'s'", '"t"', 'true', 'in', '[', ']', ',', '(', ')', ' ', '!', '~', '-', '+', '*', '/', '%', '&', '|', '^', '&&', '||', '==', '!=', '<', '<=', '>', '>=', '=', '.', '\\', "'", '"', '#'];
  const tokenSoup = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((p) => p.join(''));

  it('parseExpr never throws, on arbitrary text or on token soup', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 50 }), tokenSoup), (text) => {
        const r = parseExpr(text);
        if (!r.ok) {
          expect(Number.isInteger(r.error.col)).toBe(true);
          expect(r.error.col).toBeGreaterThanOrEqual(1);
          expect(r.error.col).toBeLessThanOrEqual(Math.min(text.length, MAX_EXPR_LENGTH) + 1);
          expect(r.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parseExpr never throws on very long or very deep input', () => {
    for (const text of ['('.repeat(5000), '!'.repeat(900), '1+'.repeat(499) + '1', 'a'.repeat(100000), `${'['.repeat(500)}`]) expect(() => parseExpr(text)).not.toThrow();
  });

  it('evaluating what parses never throws, and printing it back parses to the same grouping', () => {
    const ctx: ExprContext = { a: 3, b: 'x', block: 0 };
    fc.assert(
      fc.property(tokenSoup, (text) => {
        const r = parseExpr(text);
        if (!r.ok) return;
        expect(() => evalExpr(r.expr, ctx)).not.toThrow();
        const printed = formatExpr(r.expr);
        const again = parseExpr(printed);
        if (again.ok) expect(formatExpr(again.expr)).toBe(printed);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('closestNames', () => {
  it('offers near misses, missing words and case slips, best first', () => {
    expect(closestNames('evictchunk', ['evictChunk', 'copy', 'map'])).toEqual(['evictChunk']);
    expect(closestNames('evict_chunk', ['evict_root_chunk', 'service_fault_batch_block_locked'])).toEqual(['evict_root_chunk']);
    expect(closestNames('blok', ['block', 'page', 'bytes'])).toEqual(['block']);
    expect(closestNames('zzzzzz', ['block', 'page'])).toEqual([]);
  });
});
