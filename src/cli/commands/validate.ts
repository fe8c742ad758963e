/** `uvmscope validate <file>`: parse only; `ok: <file> (N steps, M regions)` or the located errors. */
import type { ValidateArgs } from '../args';
import { EXIT, type CliIo } from '../io';
import { isSessionFile, loadScenario, sessionNotSupported } from './load';

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function validateCommand(args: ValidateArgs, io: CliIo): number {
  if (isSessionFile(args.file)) {
    sessionNotSupported(args.file, io);
    return EXIT.usage;
  }
  const scenario = loadScenario(args.file, io);
  if (!scenario) return EXIT.failure;
  io.stdout(`ok: ${args.file} (${plural(scenario.steps.length, 'step')}, ${plural(scenario.regions.length, 'region')})\n`);
  return EXIT.ok;
}
