/**
 * `uvmscope validate <file>`: parse only. A scenario: `ok: <file> (N steps, M regions)`. A session (by its
 * .uvmsession extension, or JSON whose `format` is "uvmsession"): its fields, its embedded scenario and its
 * breakpoints are checked, and `ok: <file> (session of …)`. Otherwise the located errors, and 1.
 */
import { formatScenarioError, parseScenario } from '../../engine/scenario/index';
import { formatSessionError, looksLikeSession, type ParsedSession } from '../../engine/session/parse';
import { checkSession } from '../../engine/session/replay';
import type { ValidateArgs } from '../args';
import { readTextFile } from '../files';
import { formatCount } from '../format';
import { EXIT, type CliIo } from '../io';
import { isSessionFile } from './load';
import { loadSession, parseSessionText } from './replay';

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function validateCommand(args: ValidateArgs, io: CliIo): number {
  if (isSessionFile(args.file)) return validateSession(loadSession(args.file, io), args.file, io);
  const read = readTextFile(args.file);
  if (!read.ok) {
    io.stderr(`uvmscope: ${read.message}\n`);
    return EXIT.failure;
  }
  if (looksLikeSession(read.text)) return validateSession(parseSessionText(read.text, args.file, io), args.file, io);
  const parsed = parseScenario(read.text, args.file);
  if (!parsed.ok) {
    for (const e of parsed.errors) io.stderr(`${formatScenarioError(e)}\n`);
    return EXIT.failure;
  }
  const scenario = parsed.scenario;
  io.stdout(`ok: ${args.file} (${plural(scenario.steps.length, 'step')}, ${plural(scenario.regions.length, 'region')})\n`);
  return EXIT.ok;
}

function validateSession(parsed: ParsedSession | null, file: string, io: CliIo): number {
  if (!parsed) return EXIT.failure;
  const errors = checkSession(parsed);
  if (errors.length > 0) {
    for (const e of errors) io.stderr(`${formatSessionError(e)}\n`);
    return EXIT.failure;
  }
  const s = parsed.session;
  const stops = s.tours.reduce((n, t) => n + t.stops.length, 0);
  const migrated = parsed.migratedFrom !== null ? `, migrated from version ${parsed.migratedFrom}` : '';
  io.stdout(
    `ok: ${file} (session of "${s.scenario.name}" at step ${formatCount(s.cursor)}, engine ${s.engine}${migrated}; ` +
      `${plural(s.breakpoints.length, 'breakpoint')}, ${plural(s.bookmarks.length, 'bookmark')}, ${plural(s.notes.length, 'note')}, ` +
      `${plural(s.tours.length, 'tour')} (${plural(stops, 'stop')}))\n`,
  );
  return EXIT.ok;
}
