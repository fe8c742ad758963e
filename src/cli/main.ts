/**
 * The `uvmscope` command (bin/uvmscope.js runs this file through tsx, or its build out/cli/main.js). Runs on import:
 * it hands argv and the process's streams to cli() and exits with its status.
 */
import { cli } from './cli';
import type { CliIo } from './io';

// `uvmscope run x --json | head` closes the pipe early: stop quietly instead of throwing EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const io: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  env: process.env,
  now: () => Date.now(),
};

// exitCode (not exit()) lets a large output drain before the process ends
process.exitCode = cli(process.argv.slice(2), io);
