import { describe, expect, it } from 'vitest';
import { parseArgs, USAGE, UsageError } from '../../src/cli/args.js';

function usageError(argv: string[]): UsageError {
  try {
    parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`expected a usage error for ${JSON.stringify(argv)}`);
}

describe('parseArgs', () => {
  it('reads run with its options in any order, values after a space or =', () => {
    expect(parseArgs(['run', 'a.yaml'])).toEqual({ command: 'run', file: 'a.yaml', json: false, checkInvariants: false });
    expect(parseArgs(['run', '--json', 'a.yaml', '--trace', 'out.json', '--until=copy if bytes > 4KiB', '--check-invariants'])).toEqual({
      command: 'run',
      file: 'a.yaml',
      json: true,
      trace: 'out.json',
      until: 'copy if bytes > 4KiB',
      checkInvariants: 'end',
    });
    expect(parseArgs(['run', '--trace=t.json', '--until', 'evictChunk', 'a.yaml'])).toMatchObject({ trace: 't.json', until: 'evictChunk', file: 'a.yaml' });
  });

  it('reads --check-invariants with an optional mode after =, and refuses another mode', () => {
    expect(parseArgs(['run', 'a.yaml', '--check-invariants=steps']).command === 'run' && parseArgs(['run', 'a.yaml', '--check-invariants=steps'])).toMatchObject({ checkInvariants: 'steps' });
    expect(parseArgs(['run', '--check-invariants=end', 'a.yaml'])).toMatchObject({ checkInvariants: 'end', file: 'a.yaml' });
    // a bare --check-invariants never takes the next argument as its mode
    expect(parseArgs(['run', '--check-invariants', 'steps'])).toMatchObject({ checkInvariants: 'end', file: 'steps' });
    expect(() => parseArgs(['run', 'a.yaml', '--check-invariants=all'])).toThrow('--check-invariants takes end or steps (got "all")');
  });

  it('reads validate, help, version', () => {
    expect(parseArgs(['validate', 'x.yaml'])).toEqual({ command: 'validate', file: 'x.yaml' });
    expect(parseArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseArgs(['-h'])).toEqual({ command: 'help' });
    expect(parseArgs(['help'])).toEqual({ command: 'help' });
    expect(parseArgs(['help', 'run'])).toEqual({ command: 'help', topic: 'run' });
    expect(parseArgs(['run', '--help'])).toEqual({ command: 'help', topic: 'run' });
    expect(parseArgs(['validate', 'x.yaml', '-h'])).toEqual({ command: 'help', topic: 'validate' });
    expect(parseArgs(['--version'])).toEqual({ command: 'version' });
    expect(parseArgs(['-V'])).toEqual({ command: 'version' });
  });

  it('takes file names that look like options after --, and - as a file', () => {
    expect(parseArgs(['run', '--json', '--', '--odd.yaml'])).toMatchObject({ file: '--odd.yaml', json: true });
    expect(parseArgs(['validate', '-'])).toEqual({ command: 'validate', file: '-' });
  });

  it.each([
    [[], /no command given/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['runn', 'a.yaml'], /unknown command "runn"; did you mean run\?/],
    [['--verbose'], /unknown option "--verbose"/],
    [['run'], /run needs a scenario file/],
    [['validate'], /validate needs a scenario or session file/],
    [['replay'], /replay needs a session file/],
    [['session', 'r.yaml', '-o', 'a', '--output', 'b'], /-o and --output are the same option/],
    [['run', 'a.yaml', 'b.yaml'], /unexpected "b.yaml"/],
    [['run', 'a.yaml', '--jsno'], /unknown option "--jsno" for run; did you mean --json\?/],
    [['run', 'a.yaml', '--fast'], /unknown option "--fast" for run/],
    [['validate', 'a.yaml', '--json'], /unknown option "--json" for validate/],
    [['run', 'a.yaml', '--trace'], /--trace needs a file name/],
    [['run', 'a.yaml', '--trace='], /--trace needs a file name/],
    [['run', 'a.yaml', '--trace', '--json'], /--trace needs a file name/],
    [['run', 'a.yaml', '--until'], /--until needs a breakpoint/],
    [['run', 'a.yaml', '--json=yes'], /--json takes no value/],
    [['run', 'a.yaml', '--json', '--json'], /--json is given more than once/],
    [['--version', 'x'], /--version takes no arguments/],
    [['help', 'nope'], /no help for "nope"/],
  ])('refuses %j', (argv, message) => {
    expect(usageError(argv).message).toMatch(message);
  });

  it('names the command whose usage to show', () => {
    expect(usageError(['run', '--nope', 'a.yaml']).topic).toBe('run');
    expect(usageError(['nope']).topic).toBeUndefined();
  });

  it('quotes odd arguments so they cannot garble the terminal', () => {
    expect(usageError(['run', 'a.yaml', '--x\u001b[31m']).message).toContain('\\u001b');
  });

  it('has a usage text for the overview and each command', () => {
    expect(USAGE.overview).toMatch(/^Usage: uvmscope <command>/);
    expect(USAGE.run).toMatch(/--json[\s\S]*--trace[\s\S]*--until[\s\S]*--check-invariants/);
    expect(USAGE.validate).toMatch(/^Usage: uvmscope validate <file>/);
  });
});
