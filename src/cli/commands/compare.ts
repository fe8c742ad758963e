/**
 * `uvmscope compare <scenario.yaml> <capture.jsonl> [--json] [--tolerance NAME=VALUE[,NAME=VALUE…]]`: the model's run of
 * a scenario (as the capture ran it) against a real capture, counter by counter and transfer size by transfer size
 * (src/engine/capture/compare.ts). Exit 0 when every checked counter agrees within its tolerance, 1 when one does not
 * or a file cannot be read, 2 for bad usage.
 */
import { parseCapture } from '../../engine/capture/parse';
import { buildPlan } from '../../engine/capture/plan';
import { COMPARED_COUNTERS, COMPARED_HISTOGRAMS, compareWithCapture, type Comparison, type Tolerance } from '../../engine/capture/compare';
import type { CompareArgs } from '../args';
import { readTextFile } from '../files';
import { formatBytes, formatCount, formatNs, table } from '../format';
import { EXIT, type CliIo } from '../io';
import { loadScenario } from './load';

const NAMES: readonly string[] = [...COMPARED_COUNTERS.map((c) => c.name), ...COMPARED_HISTOGRAMS];

/** `name=5`, `name=2.5%`, comma-separated: each name a compared counter or histogram. Throws with the part at fault. */
export function parseTolerances(spec: string | undefined): Map<string, Tolerance> {
  const out = new Map<string, Tolerance>();
  if (spec === undefined) return out;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z_]+)=(\d+(?:\.\d+)?)(%?)$/.exec(part);
    if (!m) throw new Error(`--tolerance ${JSON.stringify(part)}: expected NAME=NUMBER or NAME=NUMBER%`);
    const [, name, num, pct] = m;
    if (!NAMES.includes(name)) throw new Error(`--tolerance ${JSON.stringify(part)}: no counter ${name} (the counters: ${NAMES.join(', ')})`);
    const histogram = (COMPARED_HISTOGRAMS as readonly string[]).includes(name);
    if (histogram && !pct) throw new Error(`--tolerance ${JSON.stringify(part)}: a histogram's tolerance is a share of its bytes, e.g. ${name}=10%`);
    out.set(name, pct ? { rel: Number(num) / 100 } : { abs: Number(num) });
  }
  return out;
}

export function compareCommand(args: CompareArgs, io: CliIo): number {
  let tolerances: Map<string, Tolerance>;
  try {
    tolerances = parseTolerances(args.tolerance);
  } catch (e) {
    io.stderr(`uvmscope: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
  const scenario = loadScenario(args.file, io);
  if (!scenario) return EXIT.failure;
  const read = readTextFile(args.capture);
  if (!read.ok) {
    io.stderr(`uvmscope: ${read.message}\n`);
    return EXIT.failure;
  }
  const parsed = parseCapture(read.text);
  if (!parsed.ok) {
    for (const e of parsed.errors) io.stderr(`${args.capture}:${e.line}:${e.field ? ` ${e.field}:` : ''} ${e.message}\n`);
    return EXIT.failure;
  }
  // the capture must have run this scenario's steps: its plan's hash is the plan this scenario makes today
  const plan = buildPlan(scenario, args.file);
  if (plan.ok && plan.plan.hash !== parsed.capture.header.planHash) {
    io.stderr(
      `uvmscope: ${args.capture} was captured from another plan (hash ${parsed.capture.header.planHash}) than ${args.file} makes ` +
        `today (${plan.plan.hash}): the scenario's steps changed since, so the two do not line up step by step. Capture it again ` +
        `(tools/uvm-capture/README.md).\n`,
    );
    return EXIT.failure;
  }
  const result = compareWithCapture(scenario, parsed.capture, tolerances);
  io.stdout(args.json ? `${JSON.stringify(toJson(result, args, parsed.capture.header.machine.gpu, parsed.capture.header.machine.driverVersion), null, 2)}\n` : formatComparison(result, args, parsed.capture.header.machine.gpu));
  return result.ok ? EXIT.ok : EXIT.failure;
}

function toleranceText(t: Tolerance | null): string {
  if (!t) return '';
  return 'abs' in t ? `±${t.abs}` : `±${+(t.rel * 100).toFixed(3)}%`;
}

function value(name: string, v: number): string {
  if (name.endsWith('_bytes')) return formatBytes(v);
  if (name.endsWith('_ns')) return formatNs(v);
  return formatCount(v);
}

export function formatComparison(c: Comparison, args: CompareArgs, gpu: string): string {
  const lines: string[] = [`${c.scenario}: model against ${args.capture} (${gpu})`, ''];
  if (c.changes.length) {
    lines.push('the model runs the scenario as the capture ran it:');
    for (const ch of c.changes) lines.push(`  ${ch}`);
    lines.push('');
  }
  const rows = [['counter', 'class', 'model', 'real', 'diff', 'tolerance', '']];
  for (const r of c.counters) {
    const diff = r.diff === 0 ? '0' : `${r.diff > 0 ? '+' : '−'}${value(r.name, Math.abs(r.diff))}${r.rel !== null && r.real !== 0 ? ` (${(r.rel * 100).toFixed(1)}%)` : ''}`;
    rows.push([r.name, r.cls, value(r.name, r.model), value(r.name, r.real), diff, toleranceText(r.tolerance), r.ok === null ? '' : r.ok ? 'ok' : 'DIFFERS']);
  }
  lines.push(...table(rows, ['l', 'l', 'r', 'r', 'r', 'r', 'l'], ''));
  for (const h of c.histograms) {
    if (h.sizes.length === 0) continue;
    lines.push('', `${h.name}: sizes in bytes, model / real (shape distance ${(h.distance * 100).toFixed(1)}% of bytes${h.tolerance ? `, tolerance ${toleranceText(h.tolerance)}: ${h.ok ? 'ok' : 'DIFFERS'}` : ''})`);
    const hr = [['size', 'model', 'real']];
    for (const [size, m, r] of h.sizes) hr.push([formatBytes(size), m ? formatCount(m) : '·', r ? formatCount(r) : '·']);
    lines.push(...table(hr, ['r', 'r', 'r']));
  }
  if (c.firstDifferences.length) {
    lines.push('', 'first step where each differing exact counter differs:');
    for (const d of c.firstDifferences) lines.push(`  ${d.counter}: step ${d.step} (${d.op}): model ${value(d.counter, d.model)}, real ${value(d.counter, d.real)}`);
  }
  lines.push('', c.ok ? 'agree within the tolerances' : 'DIFFER beyond the tolerances', '');
  return lines.join('\n');
}

function toJson(c: Comparison, args: CompareArgs, gpu: string, driver: string) {
  return {
    scenario: c.scenario,
    scenario_file: args.file,
    capture_file: args.capture,
    machine: { gpu, driver },
    changes: c.changes,
    counters: Object.fromEntries(c.counters.map((r) => [r.name, { class: r.cls, model: r.model, real: r.real, diff: r.diff, rel: r.rel, tolerance: r.tolerance, ok: r.ok }])),
    histograms: Object.fromEntries(c.histograms.map((h) => [h.name, { distance: h.distance, tolerance: h.tolerance, ok: h.ok, sizes: h.sizes.map(([bytes, model, real]) => ({ bytes, model, real })) }])),
    first_differences: c.firstDifferences,
    ok: c.ok,
  };
}
