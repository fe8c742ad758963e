// temporary exploration helper (deleted at the end)
import { readFileSync } from 'node:fs';
import { parseScenario, formatScenarioError } from './src/engine/scenario/index';
import { execute } from './src/engine/run/execute';
import { checkInvariants } from './src/engine/run/invariants';

const file = process.argv[2];
const kinds = (process.argv[3] ?? '').split(',').filter(Boolean);
const r = parseScenario(readFileSync(file, 'utf8'), file);
if (!r.ok) { console.log(r.errors.map(formatScenarioError).join('\n')); process.exit(1); }
const t0 = performance.now();
const run = execute(r.scenario);
const ms = performance.now() - t0;
console.log(`ran in ${ms.toFixed(0)} ms, ${run.stepCount} steps, ${run.transitionCount} transitions; invariants: ${checkInvariants(run).join('; ') || 'ok'}`);
const sc = r.scenario;
let prev = { t: 0, c: {} as Record<string, number> };
let prevOp = -1;
for (let op = 0; op < sc.steps.length; op++) {
  const s = sc.steps[op];
  if (s.op !== 'bookmark') continue;
  let last = -1;
  for (let st = 0; st < run.stepCount; st++) if (run.opOf(st) === op) last = st;
  run.seek(last);
  const sum = run.summary();
  const d: Record<string, number> = {};
  for (const [k, v] of Object.entries(sum.counters)) if (typeof v === 'number' && v - (prev.c[k] ?? 0)) d[k] = v - (prev.c[k] ?? 0);
  const hd: Record<string, number> = {};
  for (const dir of ['htod_transfers', 'dtoh_transfers'] as const) {
    for (const [size, n] of Object.entries(sum.counters[dir])) { const key = dir.slice(0, 4) + ':' + size; const pv = (prev.c[key] ?? 0); if (n - pv) hd[key] = n - pv; }
  }
  console.log(`[${s.name}] dt=${((sum.sim_time_ns - prev.t) / 1000).toFixed(2)}us t=${(sum.sim_time_ns / 1000).toFixed(2)}us`, JSON.stringify(d), JSON.stringify(hd));
  if (kinds.length) {
    const a = prevOp < 0 ? 0 : 0;
    void a;
  }
  const c: Record<string, number> = {};
  for (const [k, v] of Object.entries(sum.counters)) if (typeof v === 'number') c[k] = v;
  for (const dir of ['htod_transfers', 'dtoh_transfers'] as const) for (const [size, n] of Object.entries(sum.counters[dir])) c[dir.slice(0, 4) + ':' + size] = n;
  prev = { t: sum.sim_time_ns, c };
  prevOp = op;
}
if (kinds.length) {
  let lastOp = -2;
  for (let t = 0; t < run.transitionCount; t++) {
    const v = run.transition(t);
    if (!kinds.includes(v.kind) && !kinds.includes('*')) continue;
    const st = run.stepOfTransition(t);
    const op = run.opOf(st);
    if (op !== lastOp) { console.log(`-- op ${op} ${sc.steps[op]?.op}`); lastOp = op; }
    console.log(`  s${st} ${run.frameOf(st).fn}:${run.frameOf(st).line} ${v.kind} ${v.text}`);
  }
}
