/** Command-line flags of `npm run bench` (everything after `--`). */

export const PROFILE_TARGETS = ['events', 'maquire'] as const;
export type ProfileTarget = (typeof PROFILE_TARGETS)[number];
/** Parts `--only` can pick. */
export const ONLY_PARTS = ['render'] as const;
export type OnlyPart = (typeof ONLY_PARTS)[number];

export interface BenchArgs {
  /** Print one JSON object on stdout; everything else goes to stderr. */
  json: boolean;
  /** Smaller sizes and fewer repetitions: a smoke run (< 30 s). */
  quick: boolean;
  /** Measure the renderer in headless Chromium too (off with --no-render). */
  render: boolean;
  /** Run only this part (`render`: the web build's and the renderer's figures, none of the engine's). */
  only: OnlyPart | null;
  /** Instead of the benchmarks, profile one execute() of the page-event scenario (`events`) or the maquire op of the
   * maquire scenario (`maquire`) and print the top self-time functions; null: run the benchmarks. */
  profile: ProfileTarget | null;
  help: boolean;
  /** Internal: run as a child process doing one measurement (see memory.ts). */
  child: string | null;
}

export const USAGE = `usage: npm run bench -- [--json] [--quick] [--no-render | --only render] [--profile[=events|maquire]]

  --json              print the results as one JSON object on stdout (progress goes to stderr)
  --no-render         skip the renderer's figures in headless Chromium (the web build's JavaScript size is still measured)
  --only render       only the renderer's figures (web build and headless Chromium), none of the engine's
  --quick             small sizes and few repetitions, for a smoke run (targets are still evaluated, on the small run)
  --profile           profile one execute() of the page-event scenario (CPU sampling profiler) and print the
                      top self-time functions instead of running the benchmarks (combine with --quick for the small run)
  --profile=maquire   the same for the gaia.maquire op alone of the maquire scenario (1 GiB file; 64 MiB with --quick)
`;

function profileTarget(t: string): ProfileTarget {
  const known = PROFILE_TARGETS.find((k) => k === t);
  if (!known) throw new Error(`unknown profile target ${JSON.stringify(t)} (known: ${PROFILE_TARGETS.join(', ')})\n${USAGE}`);
  return known;
}

function onlyPart(p: string): OnlyPart {
  const known = ONLY_PARTS.find((k) => k === p);
  if (!known) throw new Error(`unknown part ${JSON.stringify(p)} for --only (known: ${ONLY_PARTS.join(', ')})\n${USAGE}`);
  return known;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const a: BenchArgs = { json: false, quick: false, profile: null, help: false, child: null, render: true, only: null };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === '--json') a.json = true;
    else if (s === '--quick') a.quick = true;
    else if (s === '--no-render') a.render = false;
    else if (s === '--only' || s.startsWith('--only=')) a.only = onlyPart(s === '--only' ? (argv[++i] ?? '') : s.slice('--only='.length));
    else if (s === '--profile') a.profile = 'events';
    else if (s.startsWith('--profile=')) a.profile = profileTarget(s.slice('--profile='.length));
    else if (s === '--help' || s === '-h') a.help = true;
    else if (s === '--child') a.child = argv[++i] ?? null;
    else throw new Error(`unknown argument ${JSON.stringify(s)}\n${USAGE}`);
  }
  if (a.only === 'render' && !a.render) throw new Error(`--only render and --no-render contradict each other\n${USAGE}`);
  return a;
}
