import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../bench/args';

describe('npm run bench flags', () => {
  it('runs everything by default', () => {
    expect(parseArgs([])).toMatchObject({ json: false, quick: false, render: true, only: null, profile: null });
  });

  it('--only render picks the renderer part, in both spellings', () => {
    expect(parseArgs(['--only', 'render', '--json']).only).toBe('render');
    expect(parseArgs(['--quick', '--only=render']).only).toBe('render');
  });

  it('refuses an unknown part, a missing one, and --only render with --no-render', () => {
    expect(() => parseArgs(['--only', 'engine'])).toThrow(/unknown part "engine"/);
    expect(() => parseArgs(['--only'])).toThrow(/unknown part ""/);
    expect(() => parseArgs(['--only', 'render', '--no-render'])).toThrow(/contradict/);
  });

  it('--no-render still parses alone', () => {
    expect(parseArgs(['--no-render'])).toMatchObject({ render: false, only: null });
  });
});
