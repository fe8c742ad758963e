import { readFileSync } from 'node:fs';
import { parseScenario } from './src/engine/scenario/index';
import { execute } from './src/engine/run/execute';
const f = process.argv[2];
const r = parseScenario(readFileSync(f, 'utf8'), f);
if (!r.ok) throw new Error('parse');
const t0 = performance.now();
const run = execute(r.scenario);
const ms = performance.now() - t0;
const per: number[] = []; let before = 0; const its: number[] = []; let itb = 0; const times: number[] = []; let tb = 0;
run.scenario.steps.forEach((st, op) => {
  if (st.op !== 'gpu.kernel' && st.op !== 'bookmark') return;
  let last = -1; for (let s = 0; s < run.stepCount; s++) if (run.opOf(s) === op) last = s;
  run.seek(last);
  const now = run.counters().gpu_faults;
  if (st.op === 'gpu.kernel') { per.push(now - before); before = now; }
  else if (st.name.startsWith('it')) { its.push(now - itb); itb = now; times.push(Math.round((run.simTimeNs() - tb) / 1000)); tb = run.simTimeNs(); } else { itb = now; tb = run.simTimeNs(); }
});
console.log(`${ms.toFixed(0)}ms its=${its.join(',')} us=${times.join(',')} per=${per.join(',')}`);
