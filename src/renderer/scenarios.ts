/**
 * The built-in scenarios (assets/scenarios), bundled into the renderer as text so the app
 * opens them with no file access. `default.yaml` is what the app opens first.
 */
const files = import.meta.glob('../../assets/scenarios/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface BuiltinScenario {
  /** File name, e.g. `gaia-maquire.yaml`. */
  readonly file: string;
  /** The `name:` line, for the list. */
  readonly title: string;
  readonly source: string;
}

function titleOf(source: string, file: string): string {
  const m = /^name:\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(.+))$/m.exec(source);
  return (m?.[1] ?? m?.[2] ?? m?.[3] ?? file).trim();
}

export const BUILTIN_SCENARIOS: readonly BuiltinScenario[] = Object.entries(files)
  .map(([path, source]) => {
    const file = path.slice(path.lastIndexOf('/') + 1);
    return { file, title: titleOf(source, file), source };
  })
  .sort((a, b) => (a.file === 'default.yaml' ? -1 : b.file === 'default.yaml' ? 1 : a.file.localeCompare(b.file)));

export const DEFAULT_SCENARIO = BUILTIN_SCENARIOS.find((s) => s.file === 'default.yaml') ?? BUILTIN_SCENARIOS[0];
