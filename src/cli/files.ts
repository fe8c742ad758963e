/**
 * Files for the CLI: reading a scenario with messages a person understands, and writing an output atomically (a
 * temporary file in the same folder, flushed, then renamed over the target), so that a reader never sees half a
 * trace and an interrupted write leaves the old file in place.
 */

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MAX_INPUT_CHARS } from '../engine/scenario/index';
import { formatBytes } from './format';

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

/** A UTF-16 code unit never takes more than 3 bytes of UTF-8, so a larger file is surely over the parser's limit. */
const MAX_INPUT_BYTES = MAX_INPUT_CHARS * 3;

/** Why an fs call failed, in words. */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

/** How large a file a command reads, and what to call it in messages. */
export interface ReadLimit {
  /** Larger files are refused before reading. */
  bytes: number;
  /** The limit as messages state it (a scenario's is in characters). */
  shown: number;
  /** `a scenario`, `a session`. */
  what: string;
}

export const SCENARIO_READ_LIMIT: ReadLimit = { bytes: MAX_INPUT_BYTES, shown: MAX_INPUT_CHARS, what: 'a scenario' };

/** Reads a scenario (or another text) file as UTF-8 text (a BOM is dropped), refusing directories, huge files and binary data. */
export function readTextFile(file: string, limit: ReadLimit = SCENARIO_READ_LIMIT): ReadResult {
  try {
    const st = statSync(file);
    if (st.isDirectory()) return { ok: false, message: `cannot read ${file}: it is a directory, not ${limit.what} file` };
    if (st.isFile() && st.size > limit.bytes) return { ok: false, message: `cannot read ${file}: it is ${formatBytes(st.size)}; ${limit.what} may be at most ${formatBytes(limit.shown)}` };
    const bytes = readFileSync(file);
    try {
      return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      return { ok: false, message: `cannot read ${file}: it is not UTF-8 text` };
    }
  } catch (e) {
    return { ok: false, message: `cannot read ${file}: ${describeFsError(e)}` };
  }
}

let tempCounter = 0;

/**
 * Writes `chunks` (joined) to `file` atomically: a temporary file beside it, fsync, rename. Throws the fs error (the
 * temporary file is removed first). Chunks let a large output be written without one huge string.
 */
export function writeFileAtomic(file: string, chunks: Iterable<string>): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${tempCounter++}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    let buffered: string[] = [];
    let size = 0;
    const flush = () => {
      if (buffered.length === 0) return;
      writeAll(fd as number, Buffer.from(buffered.join(''), 'utf8'));
      buffered = [];
      size = 0;
    };
    for (const chunk of chunks) {
      buffered.push(chunk);
      size += chunk.length;
      if (size >= 1 << 20) flush();
    }
    flush();
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the first error is the one to report
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      // it may never have been created
    }
    throw e;
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}
