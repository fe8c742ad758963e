import { readFileSync } from 'node:fs';
import { parseScenario } from './src/engine/scenario/index';
import { execute } from './src/engine/run/execute';
import { checkInvariants } from './src/engine/run/invariants';
const r = parseScenario(readFileSync(process.argv[2], 'utf8'), 'x');
if (!r.ok) throw new Error('parse');
const a = execute(r.scenario);
const b = execute(r.scenario);
console.log('fresh twice', a.digest(), b.digest(), a.transitionCount, b.transitionCount);
const end = a.stepCount - 1;
const d0 = a.digest();
a.seek(0); a.seek(end);
console.log('after 0→end', a.digest(), d0 === a.digest());
for (const s of [1, 2, 5, 10, 100, 500, 1000]) {
  if (s > end) break;
  a.seek(s); const bad = checkInvariants(a, 3); if (bad.length) console.log('inv at', s, bad);
  a.seek(end);
  if (a.digest() !== d0) { console.log('digest differs after visiting', s); break; }
}
