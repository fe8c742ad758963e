/**
 * The command line, parsed: `uvmscope <command> [options] <file>`. Pure (no I/O), so every rule is unit-tested.
 * Options take their value as the next argument or after `=` (`--trace out.json`, `--trace=out.json`); `--` ends the
 * options. Anything malformed throws a UsageError whose message names the argument at fault (exit status 2).
 */

export interface RunArgs {
  command: 'run';
  file: string;
  json: boolean;
  /** Write the Chrome trace-event JSON here. */
  trace?: string;
  /** Stop at the first hit of this breakpoint spec. */
  until?: string;
  /**
   * false: no check. 'end': every invariant at the cursor (the end, or --until's step). 'steps': the invariants that
   * hold after every micro-step, after each step up to the cursor, and every invariant at the end of each op.
   */
  checkInvariants: false | InvariantMode;
}

export const INVARIANT_MODES = ['end', 'steps'] as const;
export type InvariantMode = (typeof INVARIANT_MODES)[number];

export interface ValidateArgs {
  command: 'validate';
  file: string;
}

export interface PlanArgs {
  command: 'plan';
  file: string;
  /** Write the plan here (atomically) instead of stdout. */
  output?: string;
}

export interface CompareArgs {
  command: 'compare';
  /** The scenario. */
  file: string;
  /** The capture of it (tools/uvm-capture). */
  capture: string;
  json: boolean;
  /** `NAME=N[%],…`, as given. */
  tolerance?: string;
}

export interface ReplayArgs {
  command: 'replay';
  file: string;
  json: boolean;
}

export interface SessionArgs {
  command: 'session';
  /** The recipe (YAML). */
  file: string;
  /** Where to write the session; standard output when absent. */
  output?: string;
}

export interface PredictArgs {
  command: 'predict';
  /** The scenario. */
  file: string;
  json: boolean;
  /** One question, all three given; none: every `ask` of the scenario. */
  question?: { kind: string; from: number; through: number };
}

export type Command =
  | PredictArgs
  | RunArgs
  | ValidateArgs
  | PlanArgs
  | CompareArgs
  | ReplayArgs
  | SessionArgs
  /** `topic` is the command whose help was asked for (`uvmscope run --help`), or undefined for the overview. */
  | { command: 'help'; topic?: CommandName }
  | { command: 'version' };

export const COMMANDS = ['run', 'validate', 'plan', 'compare', 'replay', 'session', 'predict'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Bad usage: the message says what was wrong; the caller adds the usage text and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to show, when known. */
    readonly topic?: CommandName,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

interface OptionSpec {
  /** Whether the option takes a value, and what to call it in messages. */
  value?: string;
  /** An optional value, given only as `--option=value`, one of these (the first is what the bare option means). */
  choices?: readonly string[];
}

const OPTIONS: Record<CommandName, Record<string, OptionSpec>> = {
  run: {
    '--json': {},
    '--trace': { value: 'a file name' },
    '--until': { value: 'a breakpoint' },
    '--check-invariants': { choices: INVARIANT_MODES },
  },
  validate: {},
  plan: { '-o': { value: 'a file name' }, '--output': { value: 'a file name' } },
  compare: { '--json': {}, '--tolerance': { value: 'NAME=N or NAME=N%, comma-separated' } },
  replay: { '--json': {} },
  session: { '-o': { value: 'a file name' }, '--output': { value: 'a file name' } },
  predict: { '--json': {}, '--from': { value: 'a step' }, '--through': { value: 'a step' }, '--kind': { value: 'moves, tags or invalidations' } },
};

/** What each command's one file is, for "needs …" messages. */
const NOUNS: Record<CommandName, string> = {
  run: 'a scenario file',
  validate: 'a scenario or session file to check',
  plan: 'a scenario file',
  compare: 'a scenario file and a capture of it',
  replay: 'a session file (.uvmsession)',
  session: 'a session recipe (.yaml)',
  predict: 'a scenario file',
};

const HELP = new Set(['--help', '-h']);

/** Parses argv (without node and the script). Throws UsageError. */
export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0) throw new UsageError('no command given');
  const [first, ...rest] = argv;
  if (HELP.has(first)) return { command: 'help' };
  if (first === '--version' || first === '-V') {
    if (rest.length > 0) throw new UsageError(`--version takes no arguments (got ${quote(rest[0])})`);
    return { command: 'version' };
  }
  if (first === 'help') {
    if (rest.length === 0) return { command: 'help' };
    if (rest.length === 1 && isCommand(rest[0])) return { command: 'help', topic: rest[0] };
    throw new UsageError(`no help for ${quote(rest.join(' '))}: the commands are ${listCommands()}`);
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option ${quote(first)}${suggest(first, ['--help', '--version'])}`);
  if (!isCommand(first)) throw new UsageError(`unknown command ${quote(first)}${suggest(first, COMMANDS)}: the commands are ${listCommands()}`);
  return parseCommand(first, rest);
}

function parseCommand(command: CommandName, argv: readonly string[]): Command {
  const specs = OPTIONS[command];
  const values = new Map<string, string | true>();
  const positional: string[] = [];
  let optionsDone = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (optionsDone || arg === '-' || !arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsDone = true;
      continue;
    }
    if (HELP.has(arg)) return { command: 'help', topic: command };
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option ${quote(name)} for ${command}${suggest(name, Object.keys(specs))}`, command);
    if (values.has(name)) throw new UsageError(`${name} is given more than once`, command);
    if (spec.choices) {
      const choice = name === arg ? spec.choices[0] : arg.slice(eq + 1);
      if (!spec.choices.includes(choice)) throw new UsageError(`${name} takes ${spec.choices.join(' or ')} (got ${quote(choice)})`, command);
      values.set(name, choice);
      continue;
    }
    if (!spec.value) {
      if (name !== arg) throw new UsageError(`${name} takes no value (got ${quote(arg)})`, command);
      values.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (name !== arg) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !(argv[i + 1].startsWith('-') && argv[i + 1] !== '-')) value = argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs ${spec.value}`, command);
    values.set(name, value);
  }
  if (positional.length === 0) throw new UsageError(`${command} needs ${NOUNS[command]}`, command);
  if (command === 'compare') {
    if (positional.length !== 2) throw new UsageError(`compare takes a scenario and a capture; ${positional.length === 1 ? 'the capture is missing' : `unexpected ${quote(positional[2])}`}`, command);
    const tolerance = values.get('--tolerance');
    const out: CompareArgs = { command, file: positional[0], capture: positional[1], json: values.has('--json') };
    if (typeof tolerance === 'string') out.tolerance = tolerance;
    return out;
  }
  if (positional.length > 1) throw new UsageError(`${command} takes one file; unexpected ${quote(positional[1])}`, command);
  const file = positional[0];
  if (command === 'validate') return { command, file };
  if (command === 'predict') return predictArgs(file, values);
  if (command === 'replay') return { command, file, json: values.has('--json') };
  if (command === 'plan' || command === 'session') {
    if (values.has('-o') && values.has('--output')) throw new UsageError('-o and --output are the same option; give one', command);
    const output = values.get('-o') ?? values.get('--output');
    return typeof output === 'string' ? { command, file, output } : { command, file };
  }
  const text = (name: string) => {
    const v = values.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const mode = text('--check-invariants');
  const out: RunArgs = { command, file, json: values.has('--json'), checkInvariants: mode === 'end' || mode === 'steps' ? mode : false };
  const trace = text('--trace');
  const until = text('--until');
  if (trace !== undefined) out.trace = trace;
  if (until !== undefined) out.until = until;
  return out;
}

/** `predict`: --from, --through and --kind together (one question), or none (the scenario's asks). */
function predictArgs(file: string, values: ReadonlyMap<string, string | true>): PredictArgs {
  const out: PredictArgs = { command: 'predict', file, json: values.has('--json') };
  const given = ['--from', '--through', '--kind'].filter((k) => values.has(k));
  if (given.length === 0) return out;
  if (given.length < 3) throw new UsageError(`--from, --through and --kind go together (one question); ${given.join(' and ')} without the others`, 'predict');
  const step = (name: string): number => {
    const v = String(values.get(name));
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`${name} takes a step, a whole number ≥ 0 (got ${quote(v)})`, 'predict');
    return Number(v);
  };
  out.question = { kind: String(values.get('--kind')), from: step('--from'), through: step('--through') };
  return out;
}

/** `run, validate, plan, replay and session`. */
function listCommands(): string {
  return `${COMMANDS.slice(0, -1).join(', ')} and ${COMMANDS[COMMANDS.length - 1]}`;
}

function isCommand(s: string): s is CommandName {
  return (COMMANDS as readonly string[]).includes(s);
}

/** An argument as messages show it: quoted, shortened, control characters escaped. */
export function quote(s: string): string {
  const shown = s.length > 60 ? `${s.slice(0, 60)}…` : s;
  return JSON.stringify(shown);
}

/** `; did you mean --json?` when one candidate is close (a shared prefix, or one or two edits). */
function suggest(input: string, candidates: readonly string[]): string {
  const bare = input.replace(/^-+/, '').toLowerCase();
  if (bare.length === 0) return '';
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const target = c.replace(/^-+/, '').toLowerCase();
    const score = target.startsWith(bare) || bare.startsWith(target) ? 0 : distance(bare, target);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best !== undefined && bestScore <= 2 ? `; did you mean ${best}?` : '';
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

export const USAGE: Record<'overview' | CommandName, string> = {
  overview: `Usage: uvmscope <command> [options] <file>

Commands:
  run <scenario.yaml>        run a scenario to its end and print a summary
  validate <file>            check a scenario or a session without running it
  plan <scenario.yaml>       write the steps as a plan for tools/uvm-capture (a real GPU)
  compare <scenario> <capture>  the model's run against a real capture, counter by counter
  replay <session>           replay a saved session: does it reach the state it saved?
  session <recipe.yaml>      make a session (bookmarks, notes, a tour) from a recipe
  predict <scenario.yaml>    what a predict question's answer is: the scenario's asks, or --from/--through/--kind

Options:
  -h, --help                 show this help (uvmscope <command> --help for a command's)
  -V, --version              print the version

Exit status: 0 ok, 1 scenario or file error, 2 bad usage, 70 internal error.
`,
  run: `Usage: uvmscope run <scenario.yaml> [options]

Runs the scenario to its end (or to --until's breakpoint) and prints a summary: counters, transfer sizes, simulated
time, steps, transitions and the state digest.

Options:
  --json                     print one JSON object instead (counters, sim_time_ns, steps, transitions, digest, …)
  --trace <file>             also write the run as Chrome trace-event JSON (open it in https://ui.perfetto.dev)
  --until <breakpoint>       stop at the first step where the breakpoint hits, e.g. --until copy
  --check-invariants[=MODE]  check the model's invariants; exit 1 when one is broken. MODE end (the default):
                             every invariant at the end (or at --until's step); steps: after every micro-step
                             the invariants that hold at every step, and every invariant at the end of each op
  -h, --help                 show this help
`,
  plan: `Usage: uvmscope plan <scenario.yaml> [-o plan.txt]

Turns a scenario's steps into the plain-text plan that tools/uvm-capture runs on a real GPU under CUPTI
(tools/uvm-capture/README.md). Steps a user-space program cannot do (notes, bookmarks, GAIA, HMM, gdrcopy, a
second process) become comment lines and are listed in the plan's header; a scenario that needs more than one GPU
is refused.

Options:
  -o, --output <file>        write the plan to this file (default: standard output)
  -h, --help                 show this help
`,
  compare: `Usage: uvmscope compare <scenario.yaml> <capture.jsonl> [options]

Runs the scenario as the capture ran it (the capture's GPU memory and link, the driver's prefetch and thrashing
settings, without the steps the capture could not run) and prints every counter, model against real, with the
difference, and the transfer sizes of each direction. Exact counters (bytes moved each way, CPU faults, pages mapped
remotely, bytes evicted) are checked with tolerance 0 unless given another; the others (fault groups, prefetched
bytes, thrashing, throttling, time) only when a tolerance names them. Exit status 0 when every checked counter
agrees, 1 when one does not or a file cannot be read.

Options:
  --json                     print one JSON object (counters, histograms, changes, first differences, ok)
  --tolerance <list>         NAME=N (absolute) or NAME=N% (of the real value), comma-separated, e.g.
                             --tolerance gpu_fault_groups=50%,htod_bytes=2%; a histogram's (htod_transfers,
                             dtoh_transfers, dtod_transfers) is the share of bytes moved in sizes the other
                             side did not use, e.g. htod_transfers=25%
  -h, --help                 show this help
`,
  validate: `Usage: uvmscope validate <file>

Checks a scenario without running it. Prints "ok: <file> (N steps, M regions)", or each error as
file:line:column: message, and exits 1. A session (a .uvmsession file, or JSON with "format": "uvmsession") is
checked too: its fields, its embedded scenario and its breakpoints; errors name the field, e.g.
saved.uvmsession:12:15: bookmarks[1].step: expected an integer, got the number 1.5

Options:
  -h, --help                 show this help
`,
  replay: `Usage: uvmscope replay <session.uvmsession> [--json]

Runs the session's embedded scenario, puts the cursor on the session's step and compares the state digest there
with the one the session saved. Exit status 0 when they match; 1 when they differ, with the first step whose state
differs, or when the session cannot be read (each error as file:line:column: field: message). Steps past the
replayed run and breakpoints this build refuses are printed as warnings. docs/session-format.md describes sessions.

Options:
  --json                     print one JSON object (match, digests, divergence, warnings)
  -h, --help                 show this help
`,
  session: `Usage: uvmscope session <recipe.yaml> [-o <out.uvmsession>]

Makes a session from a recipe: runs the scenario it names (relative to the recipe) and places its bookmarks,
notes, tour stops and cursor, each given as a step number, start, end, op N, bookmark NAME or a breakpoint spec
(its first hit after the place before it). docs/session-format.md describes recipes. The examples in
assets/sessions are made with
  uvmscope session assets/sessions/<name>.recipe.yaml -o assets/sessions/<name>.uvmsession

Options:
  -o, --output <file>        write the session to this file, atomically (default: standard output)
  -h, --help                 show this help
`,
  predict: `Usage: uvmscope predict <scenario.yaml> [--from N --through M --kind K] [--json]

Prints the answer to predict-mode questions, for writing tours and checking a scenario's asks: which pages become
resident where (moves), which page-cache tags clear (tags) or which copies are dropped (invalidations) between the
state right after step N and the state right after step M. Without --from/--through/--kind, every \`ask\` of the
scenario (docs/scenario-format.md, "Asking the learner to predict"). Pages are listed as runs per region and target.

Options:
  --from <step>              the state the learner sees (right after this step)
  --through <step>           the state to predict (right after this step; after --from)
  --kind <kind>              moves, tags or invalidations
  --json                     print one JSON object (the questions, each with its truth as page runs)
  -h, --help                 show this help
`,
};
