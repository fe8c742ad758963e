/**
 * Reading and writing the user's files. Writes are atomic: the data goes to a temporary
 * file beside the target, is flushed to disk, then renamed over the target, so a crash or
 * a full disk leaves either the old file or the new one, never half of each. Failures
 * become one sentence for a person (FileError), never a stack trace.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A failure to read or write a file, said for a person. */
export class FileError extends Error {
  override readonly name = 'FileError';
}

/** Larger files are refused before reading: scenarios and sessions are far smaller. */
export const MAX_OPEN_BYTES = 32 * 1024 * 1024;

const MiB = 1024 * 1024;

/** `ENOENT` and friends, as the end of a sentence. */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'it does not exist (it may have been moved or deleted)';
    case 'EACCES':
    case 'EPERM':
      return 'permission was denied';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ENOTDIR':
      return 'a folder on its path is not a folder';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** A FileError for a failed `verb` ("read", "save") of `path`. */
export function fileError(verb: string, path: string, error: unknown): FileError {
  if (error instanceof FileError) return error;
  return new FileError(`"${basename(path)}" could not be ${verb}: ${reason(error)}.`);
}

/** The temporary file a write goes through: hidden, beside the target, unique per write. */
function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** The target's permission bits, so that a save keeps them (0o666 before the umask when new). */
async function modeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return 0o666;
  }
}

/** Write `data` to `path` atomically: temporary file, flush, rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporaryPath(path);
  try {
    const handle = await open(temporary, 'wx', await modeOf(path));
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw fileError('saved', path, error);
  }
}

/** The same, synchronously: for state written while the app is quitting (window-state.ts). */
export function writeFileAtomicSync(path: string, data: string): void {
  const temporary = temporaryPath(path);
  try {
    const fd = openSync(temporary, 'wx', 0o666);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // it was never created
    }
    throw fileError('saved', path, error);
  }
}

/** Read a text file the user chose, refusing what is not a file or is too large to be ours. */
export async function readTextFile(path: string, maxBytes = MAX_OPEN_BYTES): Promise<string> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new FileError(`"${basename(path)}" could not be read: it is not a file.`);
    size = info.size;
  } catch (error) {
    throw fileError('read', path, error);
  }
  if (size > maxBytes) {
    throw new FileError(`"${basename(path)}" is ${(size / MiB).toFixed(1)} MiB; files of at most ${maxBytes / MiB} MiB can be opened.`);
  }
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw fileError('read', path, error);
  }
}

/** Whether `path` names an existing regular file (for paths given on the command line). */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
