import { readFileSync } from 'node:fs';
import { parseScenario } from './src/engine/scenario/index';
import { execute } from './src/engine/run/execute';
const r = parseScenario(readFileSync(process.argv[2], 'utf8'), 'x');
if (!r.ok) throw new Error('parse');
const run = execute(r.scenario);
const seen = new Set<string>();
for (let t = 0; t < run.transitionCount; t++) {
  const v = run.transition(t);
  if (!/^(hmm|corr|mm|pte|swap)/.test(v.kind)) continue;
  const key = v.kind + (v.kind === 'hmmMigrate' ? String(v.fields.field) : '');
  if (seen.has(key)) continue;
  seen.add(key);
  console.log(v.kind, v.type, JSON.stringify(v.fields), '|', v.text);
}
