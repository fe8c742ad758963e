/**
 * The floor for page events: a bare typed-array loop that writes one 16-byte transition record per page (4 u32 words:
 * kind, object, before, after), once per pass, like the engine's two passes (CPU write, GPU read) over the same pages.
 * Nothing is modelled and nothing is read: it only shows what recording one record per page costs at best here.
 */

const WORDS_PER_RECORD = 4;
const KIND_CPU_WRITE = 1;
const KIND_GPU_READ = 2;

function pass(rec: Uint32Array, pages: number, kind: number, before: number, after: number): void {
  for (let i = 0, o = 0; i < pages; i++, o += WORDS_PER_RECORD) {
    rec[o] = kind;
    rec[o + 1] = i;
    rec[o + 2] = before;
    rec[o + 3] = after;
  }
}

export class BareLoop {
  /** One preallocated record buffer per pass (allocation is outside the timing: this is the floor). */
  private readonly records: Uint32Array[];
  private sinkValue = 0;

  constructor(
    readonly pages: number,
    readonly passes: number,
  ) {
    this.records = Array.from({ length: passes }, () => new Uint32Array(pages * WORDS_PER_RECORD));
  }

  /** Run every pass once; returns the number of page events (records written). */
  run(): number {
    const pages = this.pages;
    for (let p = 0; p < this.passes; p++) {
      const rec = this.records[p];
      pass(rec, pages, p % 2 === 0 ? KIND_CPU_WRITE : KIND_GPU_READ, p, p + 1);
      // read something back so the stores cannot be dropped
      this.sinkValue = (this.sinkValue + rec[(pages - 1) * WORDS_PER_RECORD + 1]) | 0;
    }
    return pages * this.passes;
  }

  get sink(): number {
    return this.sinkValue;
  }
}
