/**
 * The built-in scenarios for File → New from Scenario: the files of assets/scenarios with
 * the title of their `name:` line. Main only lists them; the renderer has their text
 * bundled (src/renderer/scenarios.ts) and opens the one a menu item names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ScenarioEntry {
  /** The file name, e.g. `thrashing.yaml`: what `file.new` sends. */
  readonly file: string;
  /** The `name:` line, for the menu. */
  readonly title: string;
}

/** assets/scenarios, from the built out/main/index.js (two folders up is the app's root). */
export const BUILTIN_SCENARIO_DIR = fileURLToPath(new URL('../../assets/scenarios/', import.meta.url));

/** The scenario's `name:` (quoted or not), or the file name when it has none. */
export function scenarioTitle(source: string, file: string): string {
  const m = /^name:\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(.+))$/m.exec(source);
  return (m?.[1] ?? m?.[2] ?? m?.[3] ?? file).trim();
}

/** The scenarios in `dir`: `default.yaml` first, then by file name. Empty when the folder is missing. */
export function builtinScenarios(dir = BUILTIN_SCENARIO_DIR): ScenarioEntry[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  } catch {
    return [];
  }
  return files
    .sort((a, b) => (a === 'default.yaml' ? -1 : b === 'default.yaml' ? 1 : a.localeCompare(b)))
    .map((file) => {
      let source = '';
      try {
        source = readFileSync(join(dir, file), 'utf8');
      } catch {
        // unreadable: listed by its file name
      }
      return { file, title: scenarioTitle(source, file) };
    });
}
