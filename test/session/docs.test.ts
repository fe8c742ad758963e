/** docs/session-format.md: its example session replays, is what its recipe makes, and its tables name every field. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SESSION_KEYS } from '../../src/engine/session/format.js';
import { openSession } from '../../src/engine/session/replay.js';
import { runCli, tempDir } from '../cli/helpers.js';

const DOC = readFileSync('docs/session-format.md', 'utf8');

function block(after: string, lang: string): string {
  const from = DOC.indexOf(after);
  expect(from, after).toBeGreaterThanOrEqual(0);
  const open = DOC.indexOf('```' + lang + '\n', from);
  const close = DOC.indexOf('\n```', open + 4 + lang.length);
  return DOC.slice(open + 4 + lang.length, close);
}

describe('docs/session-format.md', () => {
  const example = block('## Example', 'json');

  it('its example replays to the same state', () => {
    const r = openSession(example, 'example.uvmsession');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.report).toMatchObject({ match: true, warnings: [] });
  });

  it('its example is what the recipe beside it makes', () => {
    const doc = JSON.parse(example) as { scenario: { text: string } };
    const tmp = tempDir({ 'tiny.yaml': doc.scenario.text, 'tiny.recipe.yaml': `${block('The recipe of the example above', 'yaml')}\n` });
    try {
      const made = runCli(['session', tmp.path('tiny.recipe.yaml')]);
      expect(made.err).toBe('');
      if (made.out !== `${example}\n`) throw new Error(`the example in docs/session-format.md is out of date; replace it with:\n${made.out}`);
    } finally {
      tmp.dispose();
    }
  });

  it('names every top-level field in its table', () => {
    for (const key of SESSION_KEYS) expect(DOC, key).toMatch(new RegExp(`\\| \`${key}(\\.[a-zA-Z]+)?\` \\|`));
  });
});
