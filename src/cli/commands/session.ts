/**
 * `uvmscope session <recipe.yaml> [-o out.uvmsession]`: make a session from a recipe (src/engine/session/recipe.ts):
 * run the scenario it names, place its bookmarks, notes, tour stops and cursor, and write the session atomically
 * (or to standard output). The examples in assets/sessions are made this way, so they can be made again.
 */
import { basename, dirname, resolve } from 'node:path';
import { formatScenarioError, parseScenario } from '../../engine/scenario/index';
import { formatSessionError } from '../../engine/session/parse';
import { MAX_RECIPE_CHARS, parseRecipe, sessionFromRecipe } from '../../engine/session/recipe';
import type { SessionArgs } from '../args';
import { describeFsError, readTextFile, writeFileAtomic } from '../files';
import { formatBytes, formatCount } from '../format';
import { EXIT, type CliIo } from '../io';
import { executeScenario } from './run';
import { plural } from './validate';

export function sessionCommand(args: SessionArgs, io: CliIo): number {
  const recipeText = readTextFile(args.file, { bytes: MAX_RECIPE_CHARS, shown: MAX_RECIPE_CHARS, what: 'a recipe' });
  if (!recipeText.ok) {
    io.stderr(`uvmscope: ${recipeText.message}\n`);
    return EXIT.failure;
  }
  const recipe = parseRecipe(recipeText.text, args.file);
  if (!recipe.ok) {
    for (const e of recipe.errors) io.stderr(`${formatSessionError(e)}\n`);
    return EXIT.failure;
  }
  // the scenario is named relative to the recipe; the session records only its file name
  const scenarioPath = resolve(dirname(args.file), recipe.recipe.scenario);
  const scenarioText = readTextFile(scenarioPath);
  if (!scenarioText.ok) {
    const { line, col } = recipe.locate(['scenario']);
    io.stderr(`${args.file}:${line}:${col}: scenario: ${scenarioText.message}\n`);
    return EXIT.failure;
  }
  const file = basename(scenarioPath);
  const scenario = parseScenario(scenarioText.text, file);
  if (!scenario.ok) {
    for (const e of scenario.errors) io.stderr(`${formatScenarioError({ ...e, source: scenarioPath })}\n`);
    return EXIT.failure;
  }
  const run = executeScenario(scenario.scenario, scenarioPath, io);
  if (!run) return EXIT.failure;
  const written = sessionFromRecipe(recipe, run, { text: scenarioText.text, file });
  if (!written.ok) {
    for (const e of written.errors) io.stderr(`${formatSessionError(e)}\n`);
    return EXIT.failure;
  }
  if (args.output === undefined) {
    io.stdout(written.text);
    return EXIT.ok;
  }
  try {
    writeFileAtomic(args.output, [written.text]);
  } catch (e) {
    io.stderr(`uvmscope: cannot write the session to ${args.output}: ${describeFsError(e)}\n`);
    return EXIT.failure;
  }
  const s = written.session;
  const stops = s.tours.reduce((n, t) => n + t.stops.length, 0);
  io.stdout(
    `wrote ${args.output} (${formatBytes(Buffer.byteLength(written.text))}): ${s.scenario.name}, cursor at step ${formatCount(s.cursor)} of ${formatCount(run.stepCount)}, ` +
      `${plural(s.bookmarks.length, 'bookmark')}, ${plural(s.notes.length, 'note')}, ${plural(s.breakpoints.length, 'breakpoint')}, ` +
      `${plural(s.tours.length, 'tour')} (${plural(stops, 'stop')})\n`,
  );
  return EXIT.ok;
}
