/**
 * `uvmscope replay <session> [--json]`: run a session's embedded scenario, seek to its cursor and compare the state
 * digest with the saved one (exit 0 when they match, 1 with the first diverging step when not). Also the session
 * reading that `validate` shares.
 */
import { SESSION_LIMITS } from '../../engine/session/format';
import { formatSessionError, parseSession, type ParsedSession, type SessionError } from '../../engine/session/parse';
import { replaySession, type Divergence, type ReplayReport } from '../../engine/session/replay';
import { ENGINE_VERSION } from '../../engine/version';
import type { ReplayArgs } from '../args';
import { readTextFile, type ReadLimit } from '../files';
import { formatCount } from '../format';
import { EXIT, type CliIo } from '../io';
import { Progress } from '../progress';

/** A session file is refused above 16 MiB before it is read (the engine checks the text again). */
export const SESSION_READ_LIMIT: ReadLimit = { bytes: SESSION_LIMITS.maxChars, shown: SESSION_LIMITS.maxChars, what: 'a session' };

/** Parses a session's text, printing each located error; null when it is not a good session. */
export function parseSessionText(text: string, file: string, io: CliIo): ParsedSession | null {
  const parsed = parseSession(text, file);
  if (!parsed.ok) {
    for (const e of parsed.errors) io.stderr(`${formatSessionError(e)}\n`);
    return null;
  }
  return parsed;
}

/** Reads and parses a session file, printing why not; null on any problem. */
export function loadSession(file: string, io: CliIo): ParsedSession | null {
  const read = readTextFile(file, SESSION_READ_LIMIT);
  if (!read.ok) {
    io.stderr(`uvmscope: ${read.message}\n`);
    return null;
  }
  return parseSessionText(read.text, file, io);
}

/** What `replay --json` prints. */
export interface ReplayJson {
  /** The replay reached the saved state. */
  match: boolean;
  session: string;
  scenario: string;
  engine_version: string;
  saved_engine_version: string;
  cursor: number;
  /** Steps in the replayed run. */
  steps: number;
  digest: { saved: string; replayed: string | null };
  divergence: (Divergence & { frame?: { fn: string; file: string; line: number; text: string }; stack?: string[] }) | null;
  warnings: { line: number; col: number; path: string; message: string }[];
}

export function replayCommand(args: ReplayArgs, io: CliIo): number {
  const parsed = loadSession(args.file, io);
  if (!parsed) return EXIT.failure;
  const progress = new Progress(io, `uvmscope: replaying ${args.file}`);
  let result: ReturnType<typeof replaySession>;
  try {
    result = replaySession(parsed, { onProgress: progress.enabled ? (done, total) => progress.update(done, total) : undefined });
  } finally {
    progress.clear();
  }
  if (!result.ok) {
    for (const e of result.errors) io.stderr(`${formatSessionError(e)}\n`);
    return EXIT.failure;
  }
  const report = result.report;
  const json = toJson(report, args.file);
  if (args.json) io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  else io.stdout(formatReplay(json));
  for (const w of report.warnings) io.stderr(`${warning(w)}\n`);
  return report.match ? EXIT.ok : EXIT.failure;
}

function warning(w: SessionError): string {
  return `${w.source}:${w.line}:${w.col}: warning: ${w.path ? `${w.path}: ` : ''}${w.message}`;
}

function toJson(r: ReplayReport, file: string): ReplayJson {
  let divergence: ReplayJson['divergence'] = null;
  if (r.divergence) {
    divergence = { ...r.divergence };
    if (r.divergence.step < r.run.stepCount) {
      const f = r.run.frameOf(r.divergence.step);
      divergence.frame = { fn: f.fn, file: f.file, line: f.line, text: f.text };
      divergence.stack = r.run.stackOf(r.divergence.step).map((s) => s.fn);
    }
  }
  return {
    match: r.match,
    session: file,
    scenario: r.scenario,
    engine_version: ENGINE_VERSION,
    saved_engine_version: r.savedEngine,
    cursor: r.cursor,
    steps: r.steps,
    digest: r.digest,
    divergence,
    warnings: r.warnings.map((w) => ({ line: w.line, col: w.col, path: w.path, message: w.message })),
  };
}

/** The human report: what was replayed, the two digests, and the verdict. */
export function formatReplay(j: ReplayJson): string {
  const lines = [
    `${j.scenario} (${j.session})`,
    `  saved      engine ${j.saved_engine_version}, cursor at step ${formatCount(j.cursor)}`,
    `  replayed   engine ${j.engine_version}, ${formatCount(j.steps)} steps`,
    `  digest     saved ${j.digest.saved}, replayed ${j.digest.replayed ?? `none (the run has no step ${formatCount(j.cursor)})`}`,
    '',
  ];
  if (j.match) {
    lines.push(`ok: the replay reaches the saved state at step ${formatCount(j.cursor)}`);
    return `${lines.join('\n')}\n`;
  }
  const d = j.divergence;
  if (j.digest.replayed === j.digest.saved) lines.push('the state at the cursor is the same, but not at every step the session names (its path, bookmarks, notes, tours):');
  if (!d) lines.push('diverged: the digests differ at the cursor');
  else {
    lines.push(d.exact ? `diverged: the first step whose state differs is step ${formatCount(d.step)}` : `diverged: the first step whose state differs is in steps ${formatCount(d.from)}..${formatCount(d.to)}`);
    if (d.frame) lines.push(`  in     ${d.frame.fn} (${d.frame.file}), line ${d.frame.line}: ${d.frame.text}`);
    if (d.stack && d.stack.length > 1) lines.push(`  stack  ${d.stack.join(' → ')}`);
    lines.push(`  how    ${d.how}`);
  }
  return `${lines.join('\n')}\n`;
}
