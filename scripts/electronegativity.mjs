/**
 * Electronegativity (Doyensec's Electron security checklist) over the Electron code:
 * src/main and src/preload, scanned together so that its global checks (navigation limits,
 * permission handler, CSP) see both. Prints every finding and exits 1 when one is of HIGH
 * severity, or when a file could not be parsed (unchecked code is not checked code).
 *
 *   node scripts/electronegativity.mjs
 *
 * Its checks are static: they read `new BrowserWindow({ webPreferences: { … } })` as
 * written, which is why src/main/main-window.ts writes the preferences out literally.
 * The Electron version comes from node_modules/electron (the defaults changed over the
 * versions), and the check that downloads Electron's release list is left out (CI has no
 * network for it; `npm outdated electron` says the same).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const scanned = ['src/main', 'src/preload'];

const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
/**
 * The parts of the tool's programmatic API used here (it ships no types).
 * @typedef {{ name: 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' }} Level
 * @typedef {{ id: string, file: string, location: { line: number }, severity: Level, confidence: { name: string }, manualReview: boolean, description: string }} Issue
 * @typedef {{ file: string, message: string, tolerable: boolean }} ParseError
 * @typedef {{ issues: Issue[], errors: ParseError[], atomicChecks: number, globalChecks: number }} Result
 * @typedef {(options: object, forCli: boolean) => Promise<Result>} Run
 */
/** @type {Run | { default: Run }} */
const electronegativity = require('@doyensec/electronegativity');
const run = 'default' in electronegativity ? electronegativity.default : electronegativity;

// One folder holding both, as the tool scans one input.
const input = mkdtempSync(join(tmpdir(), 'uvmscope-electronegativity-'));
for (const dir of scanned) cpSync(join(root, dir), join(input, dir), { recursive: true });

// The tool prints progress and a note about translations it cannot download; keep our output to the findings.
const log = console.log;
const warn = console.warn;
/** @type {Result} */
let result;
try {
  console.log = () => undefined;
  console.warn = () => undefined;
  result = await run(
    {
      input,
      customScan: [],
      excludeFromScan: ['availablesecurityfixesglobalcheck'],
      isRelative: true,
      parserPlugins: [],
      electronVersionOverride: electronVersion,
    },
    false,
  );
} finally {
  console.log = log;
  console.warn = warn;
  rmSync(input, { recursive: true, force: true });
}

const order = { HIGH: 0, MEDIUM: 1, LOW: 2, INFORMATIONAL: 3 };
const issues = [...result.issues].sort((a, b) => order[a.severity.name] - order[b.severity.name] || a.file.localeCompare(b.file));
const errors = result.errors.filter((e) => !e.tolerable);

console.log(`electronegativity ${require('@doyensec/electronegativity/package.json').version} on ${scanned.join(' and ')} (Electron ${electronVersion}): ${result.atomicChecks + result.globalChecks} checks, ${issues.length} findings`);
for (const issue of issues) {
  const where = issue.file === 'N/A' ? '(global)' : `${issue.file}:${issue.location.line}`;
  const review = issue.manualReview ? ', review' : '';
  console.log(`  ${issue.severity.name.padEnd(6)} ${issue.id} ${where} (${issue.confidence.name.toLowerCase()}${review}): ${issue.description}`);
}
for (const error of result.errors) console.log(`  ${error.tolerable ? 'note' : 'ERROR'} could not fully parse ${error.file}: ${error.message}`);

const high = issues.filter((i) => i.severity.name === 'HIGH');
if (high.length > 0 || errors.length > 0) {
  console.log(`electronegativity: ${high.length} high-severity finding(s) and ${errors.length} unparsed file(s); fix them (see the links in the tool's documentation).`);
  process.exit(1);
}
console.log('electronegativity: no high-severity finding.');
