/** Reading and parsing a scenario file for a command, with every problem reported on stderr. */
import { formatScenarioError, parseScenario, type Scenario } from '../../engine/scenario/index';
import { readTextFile } from '../files';
import type { CliIo } from '../io';

export const SESSION_EXTENSION = '.uvmsession';

/** A session file, by its extension: `replay` and `validate` take it, `run` points there rather than parse it as YAML. */
export function isSessionFile(file: string): boolean {
  return file.toLowerCase().endsWith(SESSION_EXTENSION);
}

export function sessionNotSupported(file: string, io: CliIo): void {
  io.stderr(`uvmscope: ${file} is a session (${SESSION_EXTENSION}): replay it with \`uvmscope replay ${file}\`; run takes a scenario (.yaml)\n`);
}

/** The parsed scenario, or null after printing why not (an unreadable file, or each located error). */
export function loadScenario(file: string, io: CliIo): Scenario | null {
  const read = readTextFile(file);
  if (!read.ok) {
    io.stderr(`uvmscope: ${read.message}\n`);
    return null;
  }
  const parsed = parseScenario(read.text, file);
  if (!parsed.ok) {
    for (const e of parsed.errors) io.stderr(`${formatScenarioError(e)}\n`);
    return null;
  }
  return parsed.scenario;
}
