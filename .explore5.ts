import { readFileSync } from 'node:fs';
import { parseScenario } from './src/engine/scenario/index';
import { execute } from './src/engine/run/execute';
import { checkInvariants } from './src/engine/run/invariants';
const r = parseScenario(readFileSync(process.argv[2], 'utf8'), 'x');
if (!r.ok) throw new Error('parse');
const run = execute(r.scenario);
const seen = new Map<string, number>();
for (let s = 0; s < run.stepCount; s++) {
  run.seek(s);
  for (const m of checkInvariants(run, 5)) {
    const f = run.frameOf(s);
    const key = `${f.fn}:${f.line} ${m.replace(/[0-9]+/g, 'N')}`;
    if (!seen.has(key)) { seen.set(key, s); console.log(`step ${s} ${f.fn}:${f.line} (${f.text.slice(0,50)}) → ${m}`); }
  }
}
console.log('distinct', seen.size);
