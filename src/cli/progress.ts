/**
 * The progress line of a long run: one line on stderr, redrawn in place at most every `intervalMs`, erased at the
 * end. Drawn only when stderr is a terminal, so pipes and logs never see it.
 */
import type { CliIo } from './io';

const CLEAR_LINE = '\r\x1b[K';

export class Progress {
  private drawn = false;
  private last = -Infinity;

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
    private readonly intervalMs = 100,
  ) {}

  get enabled(): boolean {
    return this.io.stderrIsTTY;
  }

  /** Scenario steps done of total. */
  update(done: number, total: number): void {
    if (!this.enabled) return;
    const now = this.io.now();
    if (now - this.last < this.intervalMs && done < total) return;
    this.last = now;
    const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
    this.io.stderr(`${CLEAR_LINE}${this.label}: step ${done} of ${total} (${pct}%)`);
    this.drawn = true;
  }

  /** Erase the line (safe to call more than once). */
  clear(): void {
    if (!this.drawn) return;
    this.io.stderr(CLEAR_LINE);
    this.drawn = false;
  }
}
