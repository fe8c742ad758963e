/**
 * The floor for page events: a bare typed-array loop that writes one 16-byte transition record per page (4 u32 words:
 * kind, object, before, after), once per pass, like the engine's two passes (CPU write, GPU read) over the same pages.
 * Nothing is modelled; it only shows what recording a record per page costs at best on this machine.
 */

const WORDS_PER_RECORD = 4;
const KIND_CPU_WRITE = 1;
const KIND_GPU_READ = 2;

export class BareLoop {
  /** One preallocated record buffer per pass (allocation is outside the timing: this is the floor). */
  private readonly records: Uint32Array[];
  /** Per-page residency word, the `before`/`after` of each record. */
  private readonly state: Uint32Array;
  private sinkValue = 0;

  constructor(
    readonly pages: number,
    readonly passes: number,
  ) {
    this.records = Array.from({ length: passes }, () => new Uint32Array(pages * WORDS_PER_RECORD));
    this.state = new Uint32Array(pages);
  }

  /** Run every pass once; returns the number of page events (records written). */
  run(): number {
    const state = this.state;
    state.fill(0);
    for (let p = 0; p < this.passes; p++) {
      const rec = this.records[p];
      const kind = p % 2 === 0 ? KIND_CPU_WRITE : KIND_GPU_READ;
      const after = p + 1;
      for (let i = 0, o = 0; i < this.pages; i++, o += WORDS_PER_RECORD) {
        rec[o] = kind;
        rec[o + 1] = i;
        rec[o + 2] = state[i];
        rec[o + 3] = after;
        state[i] = after;
      }
      // read something back so the stores cannot be dropped
      this.sinkValue = (this.sinkValue + rec[(this.pages - 1) * WORDS_PER_RECORD + 2]) | 0;
    }
    return this.pages * this.passes;
  }

  get sink(): number {
    return this.sinkValue;
  }
}
