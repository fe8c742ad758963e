/**
 * The example sessions (assets/sessions/*.uvmsession): guided tours the Help menu and the palette open. Their texts
 * are fetched when one is opened (a chunk each); their titles come from the recipes, which are small.
 */
const texts = import.meta.glob('../../assets/sessions/*.uvmsession', { query: '?raw', import: 'default' }) as Record<string, () => Promise<string>>;
const recipes = import.meta.glob('../../assets/sessions/*.recipe.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface ExampleSession {
  /** File name, e.g. `gaia-maquire-tour.uvmsession`. */
  readonly file: string;
  /** Its first tour's title. */
  readonly title: string;
  load(): Promise<string>;
}

function titleOf(recipe: string | undefined, file: string): string {
  const m = recipe ? /^\s*-\s*title:\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(.+))$/m.exec(recipe) : null;
  return (m?.[1] ?? m?.[2] ?? m?.[3] ?? file.replace(/\.uvmsession$/, '')).trim();
}

export const EXAMPLE_SESSIONS: readonly ExampleSession[] = Object.entries(texts)
  .map(([path, load]) => {
    const file = path.slice(path.lastIndexOf('/') + 1);
    return { file, title: titleOf(recipes[path.replace(/\.uvmsession$/, '.recipe.yaml')], file), load };
  })
  .sort((a, b) => a.file.localeCompare(b.file));
