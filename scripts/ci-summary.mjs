/**
 * Prints CI's closing line, `N passed, N failed`, from vitest's JSON report.
 *
 *   node scripts/ci-summary.mjs <report.json> <vitest exit code> <failed non-test steps>
 *
 * Tests count one each. A test file that failed before any test ran (a syntax error, a
 * failing import) counts as one failure, and so does every failed CI step (install,
 * typecheck, lint, build), so that a red run never prints `0 failed`. A missing or
 * unreadable report counts as one failure.
 */
import { existsSync, readFileSync } from 'node:fs';

const [reportPath = '.vitest-report.json', vitestCode = '0', failedSteps = '0'] = process.argv.slice(2);

let passed = 0;
let failed = Number(failedSteps);
if (Number(vitestCode) === 0 && !existsSync(reportPath)) {
  // The tests did not run (an earlier step failed): nothing to count.
} else {
  try {
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    passed = report.numPassedTests ?? 0;
    let testFailures = report.numFailedTests ?? 0;
    for (const file of report.testResults ?? []) {
      if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) testFailures += 1;
    }
    // vitest failed for a reason the report does not count (an unhandled error…).
    if (Number(vitestCode) !== 0 && testFailures === 0) testFailures = 1;
    failed += testFailures;
  } catch {
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
