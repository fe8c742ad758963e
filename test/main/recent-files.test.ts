import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_RECENT_FILES, RecentFiles } from '../../src/main/recent-files';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uvmscope-recent-'));
  file = join(dir, 'recent-files.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the recent-files list', () => {
  it('puts the newest first, moves a reopened file up and keeps at most ten', async () => {
    const recent = new RecentFiles(file).load();
    for (let i = 0; i < 12; i++) recent.add(`/home/me/s${i}.yaml`);
    recent.add('/home/me/s5.yaml');
    expect(recent.list()[0]).toBe('/home/me/s5.yaml');
    expect(recent.list()).toHaveLength(MAX_RECENT_FILES);
    expect(new Set(recent.list()).size).toBe(MAX_RECENT_FILES);
    expect(recent.list()).not.toContain('/home/me/s0.yaml');
    await recent.flushed();
    expect(new RecentFiles(file).load().list()).toEqual(recent.list());
  });

  it('is written atomically, leaving no temporary file', async () => {
    const recent = new RecentFiles(file).load();
    recent.add('/a.yaml');
    recent.add('/b.yaml');
    recent.remove('/a.yaml');
    await recent.flushed();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(['/b.yaml']);
    expect(readdirSync(dir)).toEqual(['recent-files.json']);
  });

  it('is empty when its file is missing or corrupt, and drops entries that are not absolute paths', () => {
    expect(new RecentFiles(file).load().list()).toEqual([]);
    writeFileSync(file, '{"not":"a list"}');
    expect(new RecentFiles(file).load().list()).toEqual([]);
    writeFileSync(file, '[1, 2');
    expect(new RecentFiles(file).load().list()).toEqual([]);
    writeFileSync(file, JSON.stringify(['/ok.yaml', 'relative.yaml', '/ok.yaml']));
    expect(new RecentFiles(file).load().list()).toEqual(['/ok.yaml']);
  });

  it('tells its listeners about each change (the menu is rebuilt)', async () => {
    const recent = new RecentFiles(file).load();
    const changed = vi.fn();
    recent.onChange(changed);
    recent.add('/a.yaml');
    recent.clear();
    recent.clear(); // already empty: no change
    recent.remove('/never.yaml');
    expect(changed).toHaveBeenCalledTimes(2);
    expect(recent.has('/a.yaml')).toBe(false);
    await recent.flushed();
  });

  it('only warns when the list cannot be written', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const recent = new RecentFiles(join(dir, 'missing', 'recent.json')).load();
    recent.add('/a.yaml');
    await recent.flushed();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('recent-files list was not saved'));
    expect(recent.list()).toEqual(['/a.yaml']);
    warn.mockRestore();
  });
});
