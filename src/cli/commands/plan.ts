/**
 * `uvmscope plan <scenario.yaml> [-o plan.txt]`: the scenario's steps as the plain-text plan that tools/uvm-capture
 * runs on a real GPU (src/engine/capture/plan.ts builds it). Without -o the plan goes to stdout; with it, the file
 * is written atomically and a one-line summary goes to stderr.
 */
import { buildPlan } from '../../engine/capture/plan';
import type { PlanArgs } from '../args';
import { describeFsError, writeFileAtomic } from '../files';
import { formatBytes } from '../format';
import { EXIT, type CliIo } from '../io';
import { isSessionFile, loadScenario, sessionNotSupported } from './load';
import { plural } from './validate';

export function planCommand(args: PlanArgs, io: CliIo): number {
  if (isSessionFile(args.file)) {
    sessionNotSupported(args.file, io);
    return EXIT.usage;
  }
  const scenario = loadScenario(args.file, io);
  if (!scenario) return EXIT.failure;
  const built = buildPlan(scenario, args.file);
  if (!built.ok) {
    io.stderr(`uvmscope: ${args.file}: cannot make a capture plan: ${built.message}\n`);
    return EXIT.failure;
  }
  const { plan } = built;
  if (args.output === undefined) {
    io.stdout(plan.text);
    return EXIT.ok;
  }
  try {
    writeFileAtomic(args.output, [plan.text]);
  } catch (e) {
    io.stderr(`uvmscope: cannot write ${args.output}: ${describeFsError(e)}\n`);
    return EXIT.failure;
  }
  io.stderr(
    `wrote ${args.output}: ${plural(scenario.steps.length, 'step')}, ${plan.runnable} to run, ` +
      `${plan.skipped.length} skipped; ${formatBytes(plan.managedBytes)} managed; hash ${plan.hash}\n`,
  );
  return EXIT.ok;
}
