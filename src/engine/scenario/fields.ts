/**
 * The field types of the scenario format as zod schemas, and the one function that turns a zod issue into our
 * message style ("expected one of off, density or correlation, got "dense"; did you mean `density`?"). Each object
 * of the format is a record of these schemas (see machine.ts, regions.ts, access.ts, steps.ts); reader.ts applies
 * them one field at a time so that a bad field never hides the others.
 */
import { z } from 'zod';
import { describeValue, didYouMean, oneOf } from './errors';
import {
  BANDWIDTH_HELP,
  DURATION_HELP,
  formatSize,
  parseBandwidth,
  parseDuration,
  parseSize,
  SIZE_HELP,
  type Parsed,
} from './sizes';

const EXPECTED: Readonly<Record<string, string>> = Object.freeze({
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
});

/** Our wording for zod's issues; returning undefined keeps a message a schema set itself. */
export function zodMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (input === undefined) return `expected ${expected}`;
      // A note such as `text: 2024` reads as a number in YAML; quoting is the fix.
      const quote = issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean');
      return `expected ${expected}, got ${describeValue(input)}${quote ? ' (put it in quotes)' : ''}`;
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const hint = typeof input === 'string' ? didYouMean(input, values) : '';
      if (input === undefined) return `expected ${oneOf(values)}`;
      return `expected ${oneOf(values)}, got ${describeValue(input)}${hint}`;
    }
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} item(s)`;
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}, ` +
        `got ${describeValue(input)}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} items`;
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters long`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}, got ${describeValue(input)}`;
    default:
      return undefined;
  }
}

/** A schema from one of the parse functions of sizes.ts; `help` says what it takes when the input is no scalar. */
function parsedBy(parse: (input: string | number) => Parsed<number>, help: string) {
  return z.unknown().transform((input, ctx) => {
    if (typeof input !== 'string' && typeof input !== 'number') {
      const got = input === undefined ? '' : `, got ${describeValue(input)}`;
      ctx.addIssue({ code: 'custom', message: `expected ${help}${got}` });
      return z.NEVER;
    }
    const r = parse(input);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    }
    return r.value;
  });
}

export interface SizeOptions {
  /** Smallest size accepted, checked after rounding. */
  min?: number;
  /** Largest size accepted, checked after rounding. */
  max?: number;
  /** Round to a multiple of this many bytes. */
  granule?: number;
  round?: 'up' | 'down';
}

/** A size in bytes: 4096, '64KiB', '2MiB'… rounded and range-checked as asked. */
export function size(options: SizeOptions = {}) {
  const { min = 0, max = Number.MAX_SAFE_INTEGER, granule = 1, round = 'up' } = options;
  return parsedBy(parseSize, SIZE_HELP).transform((bytes, ctx) => {
    const rounded = round === 'up' ? Math.ceil(bytes / granule) * granule : Math.floor(bytes / granule) * granule;
    const note = rounded !== bytes ? ` (${formatSize(bytes)} rounded ${round} to ${formatSize(rounded)})` : '';
    if (rounded < min) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${formatSize(min)}, got ${formatSize(bytes)}${note}` });
      return z.NEVER;
    }
    if (rounded > max) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${formatSize(max)}, got ${formatSize(bytes)}${note}` });
      return z.NEVER;
    }
    return rounded;
  });
}

/** A duration in nanoseconds: 2670, '2.67us', '2.67µs', '1ms'. */
export const duration = parsedBy(parseDuration, DURATION_HELP);

/** A bandwidth in bytes per nanosecond: 47.7 (GB/s), '47.7GB/s', '450 GB/s'. */
export const bandwidth = parsedBy(parseBandwidth, BANDWIDTH_HELP);

/** A whole number in [min, max]. */
export function int(min: number, max: number) {
  return z.number().int().min(min).max(max);
}

export const text = z.string();

/** Region and GPU names: usable as identifiers in messages, breakpoints and the UI. */
export const NAME_PATTERN = /^[A-Za-z_][\w.-]*$/;
export const name = z
  .string()
  .regex(NAME_PATTERN, {
    error: (issue) =>
      `${describeValue(issue.input)} is not a valid name: a name starts with a letter or _ and goes on with ` +
      'letters, digits, _, . or -',
  })
  .max(128);
