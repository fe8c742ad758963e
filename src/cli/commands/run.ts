/**
 * `uvmscope run <scenario> [--json] [--trace FILE] [--until SPEC] [--check-invariants[=end|steps]]`: execute a scenario, then
 * print its summary (human or JSON), optionally stopped at a breakpoint, with the trace written atomically.
 */

import {
  findNextHit,
  formatBreakpoint,
  parseBreakpointSpec,
  validateBreakpoint,
  type Breakpoint,
  type BreakpointHit,
} from '../../engine/run/breakpoints';
import { EngineError, execute } from '../../engine/run/execute';
import { checkInvariants } from '../../engine/run/invariants';
import { checkEveryStep } from '../../engine/run/step-check';
import type { Run, RunSummary } from '../../engine/run/run';
import { toChromeTrace, type ChromeTrace } from '../../engine/run/trace-export';
import type { Scenario } from '../../engine/scenario/index';
import { ENGINE_VERSION } from '../../engine/version';
import { quote, type RunArgs } from '../args';
import { describeFsError, writeFileAtomic } from '../files';
import { formatCount, formatSummary } from '../format';
import { EXIT, type CliIo } from '../io';
import { Progress } from '../progress';
import { isSessionFile, loadScenario, sessionNotSupported } from './load';

/** What `--until` found: the spec as the engine reads it back, and the hit, if any. */
export interface UntilReport {
  spec: string;
  hit: boolean;
  step?: number;
  frame?: { fn: string; file: string; line: number; text: string };
  stack?: string[];
  transition?: { index: number; kind: string; text: string } | null;
}

export interface TraceReport {
  file: string;
  events: number;
  aggregated: boolean;
}

/** The JSON `run --json` prints: the engine's summary (DESIGN.md, "CLI contract") and what the CLI adds. */
export type RunJson = RunSummary & {
  engine_version: string;
  pageEvents: number;
  until?: UntilReport;
  invariants?: { mode: 'end' | 'steps'; ok: boolean; violations: string[]; steps_checked?: number };
  trace?: TraceReport;
};

export function runCommand(args: RunArgs, io: CliIo): number {
  if (isSessionFile(args.file)) {
    sessionNotSupported(args.file, io);
    return EXIT.usage;
  }
  // a bad breakpoint is bad usage: refuse it before a long run, not after
  let breakpoint: Breakpoint | undefined;
  if (args.until !== undefined) {
    const parsed = parseBreakpointSpec(args.until);
    if (!parsed.ok) {
      io.stderr(`uvmscope: --until ${quote(args.until)}: col ${parsed.error.col}: ${parsed.error.message}\n`);
      return EXIT.usage;
    }
    breakpoint = parsed.breakpoint;
  }

  const scenario = loadScenario(args.file, io);
  if (!scenario) return EXIT.failure;
  const run = executeScenario(scenario, args.file, io);
  if (!run) return EXIT.failure;
  const totalSteps = run.stepCount;

  let until: UntilReport | undefined;
  if (breakpoint) {
    const why = validateBreakpoint(breakpoint, run);
    if (why) {
      io.stderr(`uvmscope: --until ${quote(args.until ?? '')}: ${why}\n`);
      return EXIT.usage;
    }
    until = stopAt(run, breakpoint, findNextHit(run, [breakpoint], -1));
  }

  let status: number = EXIT.ok;
  let invariants: RunJson['invariants'];
  if (args.checkInvariants === 'end') {
    const violations = checkInvariants(run);
    invariants = { mode: 'end', ok: violations.length === 0, violations };
  } else if (args.checkInvariants === 'steps') {
    const r = checkEveryStep(run, { to: run.cursor });
    const violations = r.violations.map((v) => `step ${v.step} (${v.where}): ${v.message}`);
    invariants = { mode: 'steps', ok: violations.length === 0, violations, steps_checked: r.steps };
  }
  if (invariants && !invariants.ok) status = EXIT.failure;

  let trace: TraceReport | undefined;
  if (args.trace !== undefined) {
    const exported = toChromeTrace(run);
    try {
      writeFileAtomic(args.trace, traceChunks(exported));
      trace = { file: args.trace, events: exported.traceEvents.length, aggregated: exported.metadata.aggregated };
    } catch (e) {
      io.stderr(`uvmscope: cannot write the trace to ${args.trace}: ${describeFsError(e)}\n`);
      status = EXIT.failure;
    }
  }

  if (args.json) {
    const out: RunJson = { ...run.summary(), engine_version: ENGINE_VERSION, pageEvents: run.pageEvents };
    if (until) out.until = until;
    if (invariants) out.invariants = invariants;
    if (trace) out.trace = trace;
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    if (until) io.stdout(formatUntil(until, totalSteps));
    io.stdout(formatSummary(run.summary(), { source: args.file, engineVersion: ENGINE_VERSION, pageEvents: run.pageEvents, totalSteps }));
    if (invariants) io.stdout(`\ninvariants  ${invariantLine(invariants, run.cursor)}\n`);
    if (trace) io.stdout(`\ntrace       ${trace.file}: ${formatCount(trace.events)} events${trace.aggregated ? ', page-level events aggregated' : ''} (open it in https://ui.perfetto.dev)\n`);
  }
  if (invariants && !invariants.ok) {
    const at = invariants.mode === 'end' ? `at step ${run.cursor}` : 'after these steps';
    io.stderr(`uvmscope: ${invariants.violations.length === 1 ? 'an invariant is' : `${invariants.violations.length} invariants are`} broken ${at}:\n`);
    for (const v of invariants.violations) io.stderr(`  ${v}\n`);
  }
  return status;
}

/** Executes with a progress line on a terminal; an EngineError is reported as file:line:col and gives null. */
export function executeScenario(scenario: Scenario, file: string, io: CliIo): Run | null {
  const progress = new Progress(io, `uvmscope: running ${file}`);
  try {
    progress.update(0, scenario.steps.length);
    return execute(scenario, { onProgress: progress.enabled ? (done, total) => progress.update(done, total) : undefined });
  } catch (e) {
    if (e instanceof EngineError) {
      progress.clear();
      io.stderr(`${file}:${e.line}:${e.col}: ${e.message}\n`);
      return null;
    }
    throw e;
  } finally {
    progress.clear();
  }
}

/** Seek to the hit (if any) and describe where the run stopped. */
export function stopAt(run: Run, bp: Breakpoint, hit: BreakpointHit | null): UntilReport {
  const spec = formatBreakpoint(bp);
  if (!hit) return { spec, hit: false };
  run.seek(hit.step);
  const f = run.frameOf(hit.step);
  const t = hit.transition === null ? null : run.transition(hit.transition);
  return {
    spec,
    hit: true,
    step: hit.step,
    frame: { fn: f.fn, file: f.file, line: f.line, text: f.text },
    stack: run.stackOf(hit.step).map((s) => s.fn),
    transition: t ? { index: t.index, kind: t.kind, text: t.text } : null,
  };
}

export function formatUntil(u: UntilReport, totalSteps: number): string {
  if (!u.hit || u.step === undefined || !u.frame) return `breakpoint \`${u.spec}\` never hits; the summary is at the end of the run\n\n`;
  const lines = [
    `stopped at step ${formatCount(u.step)} of ${formatCount(totalSteps)}: breakpoint \`${u.spec}\``,
    `  in     ${u.frame.fn} (${u.frame.file}), line ${u.frame.line}: ${u.frame.text}`,
  ];
  if (u.stack && u.stack.length > 1) lines.push(`  stack  ${u.stack.join(' → ')}`);
  if (u.transition) lines.push(`  hit    transition ${formatCount(u.transition.index)}: ${u.transition.text}`);
  return `${lines.join('\n')}\n\n`;
}

/** The trace as text in pieces: metadata first (readable with `head`), then one event per line. */
export function* traceChunks(trace: ChromeTrace): Generator<string> {
  yield `{"displayTimeUnit":${JSON.stringify(trace.displayTimeUnit)},\n"metadata":${JSON.stringify(trace.metadata)},\n"traceEvents":[\n`;
  const events = trace.traceEvents;
  for (let i = 0; i < events.length; i++) yield JSON.stringify(events[i]) + (i + 1 < events.length ? ',\n' : '\n');
  yield ']}\n';
}

/** The summary's invariants line: where they were checked and whether they held. */
function invariantLine(inv: NonNullable<RunJson['invariants']>, cursor: number): string {
  if (inv.mode === 'end') return inv.ok ? `hold at step ${cursor}` : `${inv.violations.length} broken at step ${cursor} (listed on stderr)`;
  const what = `after each of ${inv.steps_checked ?? 0} steps (every invariant at the end of each op)`;
  return inv.ok ? `hold ${what}` : `${inv.violations.length} broken, checked ${what} (listed on stderr)`;
}
