/**
 * The CLI as a function: argv and an io in, an exit status out. main.ts wires it to the process; tests call it
 * in-process. Bad usage → usage text on stderr and 2; help → usage on stdout and 0; a bug → one line and 70.
 */
import { ENGINE_VERSION } from '../engine/version';
import { parseArgs, USAGE, UsageError, type Command } from './args';
import { planCommand } from './commands/plan';
import { predictCommand } from './commands/predict';
import { replayCommand } from './commands/replay';
import { compareCommand } from './commands/compare';
import { runCommand } from './commands/run';
import { sessionCommand } from './commands/session';
import { validateCommand } from './commands/validate';
import { EXIT, type CliIo } from './io';

export function cli(argv: readonly string[], io: CliIo): number {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) return internalError(e, io);
    io.stderr(`uvmscope: ${e.message}\n\n${USAGE[e.topic ?? 'overview']}`);
    return EXIT.usage;
  }
  try {
    switch (command.command) {
      case 'help':
        io.stdout(USAGE[command.topic ?? 'overview']);
        return EXIT.ok;
      case 'version':
        io.stdout(`uvmscope ${ENGINE_VERSION}\n`);
        return EXIT.ok;
      case 'run':
        return runCommand(command, io);
      case 'compare':
        return compareCommand(command, io);
      case 'validate':
        return validateCommand(command, io);
      case 'plan':
        return planCommand(command, io);
      case 'replay':
        return replayCommand(command, io);
      case 'session':
        return sessionCommand(command, io);
      case 'predict':
        return predictCommand(command, io);
    }
  } catch (e) {
    return internalError(e, io);
  }
}

/** One line, `uvmscope: internal error: <message>`; the stack too when UVMSCOPE_DEBUG=1. */
export function internalError(e: unknown, io: CliIo): number {
  const message = e instanceof Error ? e.message : String(e);
  io.stderr(`uvmscope: internal error: ${message.split('\n')[0]}\n`);
  if (io.env.UVMSCOPE_DEBUG === '1' && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
  return EXIT.internal;
}
