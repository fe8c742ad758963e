/**
 * The recent-files list (File → Open Recent, `bridge.recentFiles()`): absolute paths,
 * newest first, at most ten, kept in `recent-files.json` under `app.getPath('userData')`
 * and written atomically. A missing or corrupt file is an empty list.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './files';

export const MAX_RECENT_FILES = 10;

const recentSchema = z.array(z.string().min(1).max(4096)).max(100);

export class RecentFiles {
  private paths: string[] = [];
  private readonly listeners = new Set<() => void>();
  /** Writes happen one after another, so the file always ends as the last list. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly limit = MAX_RECENT_FILES,
  ) {}

  /** Read the list from its file (an empty list when missing or corrupt). */
  load(): this {
    try {
      const parsed = recentSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      this.paths = parsed.success ? [...new Set(parsed.data.filter((p) => isAbsolute(p)))].slice(0, this.limit) : [];
    } catch {
      this.paths = [];
    }
    return this;
  }

  list(): readonly string[] {
    return [...this.paths];
  }

  has(path: string): boolean {
    return this.paths.includes(path);
  }

  /** Put `path` first (moving it up if it was there already). */
  add(path: string): void {
    this.set([path, ...this.paths.filter((p) => p !== path)].slice(0, this.limit));
  }

  remove(path: string): void {
    if (this.has(path)) this.set(this.paths.filter((p) => p !== path));
  }

  clear(): void {
    if (this.paths.length > 0) this.set([]);
  }

  /** Called after every change (main rebuilds the menu). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every change so far is on disk. */
  flushed(): Promise<void> {
    return this.writing;
  }

  private set(paths: string[]): void {
    this.paths = paths;
    const text = `${JSON.stringify(paths, null, 2)}\n`;
    this.writing = this.writing
      .then(() => writeFileAtomic(this.file, text))
      .catch((error: unknown) => console.warn(`UVMScope: the recent-files list was not saved: ${error instanceof Error ? error.message : String(error)}`));
    for (const listener of this.listeners) listener();
  }
}
