/**
 * `uvmscope predict <scenario.yaml> [--from N --through M --kind K] [--json]`: the truth of predict-mode questions
 * (engine/predict), for tour authors. One question from the options, or every `ask` op of the scenario resolved to
 * its steps as the app resolves it. The truth is printed per region and target as runs of pages.
 */
import { execute } from '../../engine/run/execute';
import { opSpans } from '../../engine/run/op-spans';
import type { Run } from '../../engine/run/run';
import { PredictError, predictTruth, resolveAsks, type PredictMark, type PredictQuestion } from '../../engine/predict/index';
import type { PredictArgs } from '../args';
import { EXIT, type CliIo } from '../io';
import { isSessionFile, loadScenario, sessionNotSupported } from './load';
import { plural } from './validate';

interface TruthGroup {
  region: number;
  regionName: string;
  target: number | string;
  targetName: string;
  count: number;
  /** [first, last] pages of each run, inclusive. */
  pages: [number, number][];
}

function groups(run: Run, marks: readonly PredictMark[]): TruthGroup[] {
  const out = new Map<string, TruthGroup>();
  const m = run.ctx.m;
  for (const mark of marks) {
    const key = `${mark.region}:${String(mark.target)}`;
    let g = out.get(key);
    if (!g) {
      const targetName = typeof mark.target === 'number' ? (mark.target === 0 ? 'cpu' : m.gpuName(mark.target)) : mark.target;
      g = { region: mark.region, regionName: run.scenario.regions[mark.region]?.name ?? `region ${mark.region}`, target: mark.target, targetName, count: 0, pages: [] };
      out.set(key, g);
    }
    g.count++;
    const last = g.pages[g.pages.length - 1];
    if (last && last[1] + 1 === mark.page) last[1] = mark.page;
    else g.pages.push([mark.page, mark.page]);
  }
  return [...out.values()].sort((a, b) => a.region - b.region || String(a.target).localeCompare(String(b.target)));
}

/** Page runs as `0-511, 768-769`, at most `max` runs then a count of the rest. */
function runsText(pages: readonly [number, number][], max = 12): string {
  const shown = pages.slice(0, max).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
  return pages.length > max ? `${shown.join(', ')}, … (${plural(pages.length - max, 'more run')})` : shown.join(', ');
}

export function predictCommand(args: PredictArgs, io: CliIo): number {
  if (isSessionFile(args.file)) {
    sessionNotSupported(args.file, io);
    return EXIT.usage;
  }
  const scenario = loadScenario(args.file, io);
  if (!scenario) return EXIT.failure;
  const run = execute(scenario);
  const questions: { op?: number; line?: number; question: PredictQuestion }[] = [];
  if (args.question) questions.push({ question: args.question as PredictQuestion });
  else {
    const { first, last } = opSpans(run);
    resolveAsks(scenario, first, last).forEach((q, op) => {
      if (q) questions.push({ op, line: scenario.steps[op].loc.line, question: q });
    });
    if (questions.length === 0) {
      io.stderr(`uvmscope: ${args.file} asks nothing (no \`ask\` op): give --from, --through and --kind\n`);
      return EXIT.failure;
    }
  }
  const answers: { op?: number; line?: number; question: PredictQuestion; total: number; truth: TruthGroup[] }[] = [];
  for (const q of questions) {
    let marks: PredictMark[];
    try {
      marks = predictTruth(run, q.question);
    } catch (e) {
      if (!(e instanceof PredictError)) throw e;
      io.stderr(`uvmscope: ${e.message.replace(/^question\./, '--')}\n`);
      return EXIT.failure;
    }
    answers.push({ ...q, total: marks.length, truth: groups(run, marks) });
  }
  if (args.json) {
    io.stdout(`${JSON.stringify({ scenario: scenario.name, file: args.file, steps: run.stepCount, questions: answers }, null, 2)}\n`);
    return EXIT.ok;
  }
  const lines: string[] = [];
  for (const a of answers) {
    const where = a.line !== undefined ? `${args.file}:${a.line}: ask (op ${a.op}): ` : '';
    lines.push(`${where}${a.question.kind}, after step ${a.question.from} through step ${a.question.through}${a.question.prompt ? ` — ${a.question.prompt}` : ''}`);
    if (a.total === 0) lines.push('  nothing: no page to mark');
    for (const g of a.truth) lines.push(`  ${g.regionName} → ${g.targetName}: ${plural(g.count, 'page')}: ${runsText(g.pages)}`);
  }
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
