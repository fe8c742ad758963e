/**
 * What a command may touch of its process, injected so that tests run commands in-process and read their output.
 */
export interface CliIo {
  /** Write to standard output (text as given; add your own newlines). */
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal: the progress line is drawn only then. */
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Milliseconds since some origin, for throttling the progress line (Date.now in the real CLI). */
  now(): number;
}

/** Exit statuses (sysexits-style 70 for a bug). */
export const EXIT = { ok: 0, failure: 1, usage: 2, internal: 70 } as const;

/** An io that collects output in strings, for tests and for callers that want the text. */
export function memoryIo(options: { stderrIsTTY?: boolean; env?: Record<string, string | undefined> } = {}): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
    stderrIsTTY: options.stderrIsTTY ?? false,
    env: options.env ?? {},
    now: () => 0,
  };
  return io;
}
