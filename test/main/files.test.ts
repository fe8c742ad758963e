import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileError, isFile, readTextFile, writeFileAtomic, writeFileAtomicSync } from '../../src/main/files';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uvmscope-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes a new file and leaves no temporary file beside it', async () => {
    const path = join(dir, 'session.uvmsession');
    await writeFileAtomic(path, '{"version":1}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"version":1}\n');
    expect(readdirSync(dir)).toEqual(['session.uvmsession']);
  });

  it('replaces an existing file whole and keeps its permissions', async () => {
    const path = join(dir, 'scenario.yaml');
    writeFileSync(path, 'old text that is longer than the new one\n');
    chmodSync(path, 0o600);
    await writeFileAtomic(path, 'new\n');
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['scenario.yaml']);
  });

  it('writes bytes as they are (a PNG export)', async () => {
    const path = join(dir, 'view.png');
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    await writeFileAtomic(path, bytes);
    expect([...readFileSync(path)]).toEqual([...bytes]);
  });

  it('leaves the target untouched and no temporary file when the rename fails', async () => {
    // a non-empty folder cannot be replaced by a file
    const path = join(dir, 'taken');
    mkdirSync(path);
    writeFileSync(join(path, 'inside.txt'), 'keep');
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow(FileError);
    expect(readFileSync(join(path, 'inside.txt'), 'utf8')).toBe('keep');
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('says in one sentence why a save failed', async () => {
    const path = join(dir, 'missing-folder', 'a.yaml');
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow('"a.yaml" could not be saved: it does not exist (it may have been moved or deleted).');
  });

  it('has a synchronous twin for writes while quitting', () => {
    const path = join(dir, 'window-state.json');
    writeFileAtomicSync(path, '{}');
    writeFileAtomicSync(path, '{"width":800}');
    expect(readFileSync(path, 'utf8')).toBe('{"width":800}');
    expect(readdirSync(dir)).toEqual(['window-state.json']);
    expect(() => writeFileAtomicSync(join(dir, 'no', 'x.json'), '{}')).toThrow(FileError);
  });
});

describe('readTextFile', () => {
  it('reads a file as UTF-8 text', async () => {
    const path = join(dir, 'a.yaml');
    writeFileSync(path, 'name: "café"\n');
    expect(await readTextFile(path)).toBe('name: "café"\n');
  });

  it('refuses a file larger than the limit before reading it, saying its size', async () => {
    const path = join(dir, 'big.yaml');
    writeFileSync(path, Buffer.alloc(3 * 1024 * 1024, 0x61));
    await expect(readTextFile(path, 2 * 1024 * 1024)).rejects.toThrow('"big.yaml" is 3.0 MiB; files of at most 2 MiB can be opened.');
  });

  it('says when the file is gone or is a folder', async () => {
    await expect(readTextFile(join(dir, 'gone.yaml'))).rejects.toThrow('"gone.yaml" could not be read: it does not exist (it may have been moved or deleted).');
    mkdirSync(join(dir, 'folder.yaml'));
    await expect(readTextFile(join(dir, 'folder.yaml'))).rejects.toThrow('"folder.yaml" could not be read: it is not a file.');
  });

  it('isFile tells files from folders and missing paths', () => {
    writeFileSync(join(dir, 'f'), '');
    expect(isFile(join(dir, 'f'))).toBe(true);
    expect(isFile(dir)).toBe(false);
    expect(isFile(join(dir, 'nope'))).toBe(false);
  });
});
