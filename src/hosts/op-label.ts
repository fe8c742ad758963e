/**
 * One line per scenario op, for the scenario panel and the timeline: what the op does, in
 * the words the scenario file uses (`gpu1 reads buf sequential`, `cpu writes F`).
 */
import type { Scenario, StepSpec } from '../engine/scenario/index';
import { formatSize } from '../engine/scenario/index';

/** The start of a note, cut at a word boundary. */
function firstWords(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.lastIndexOf(' ', max - 1);
  return `${flat.slice(0, cut > max / 2 ? cut : max - 1)}…`;
}

export function opLabel(scenario: Scenario, op: StepSpec): string {
  const procName = (p: number) => (p === 0 ? 'cpu' : (scenario.machine.gpus[p - 1]?.name ?? `gpu #${p}`));
  const region = (i: number) => scenario.regions[i]?.name ?? `region ${i}`;
  const range = (offset: number, length: number) => `[${formatSize(offset)}, +${formatSize(length)})`;
  switch (op.op) {
    case 'gpu.kernel':
      return `${procName(op.gpu)} kernel: ${op.accesses.map((a) => `${a.op} ${region(a.region)} ${a.pattern}`).join(', ')}`;
    case 'cpu.read':
    case 'cpu.write':
      return `cpu ${op.op === 'cpu.read' ? 'reads' : 'writes'} ${region(op.access.region)} ${op.access.pattern}`;
    case 'uvm.prefetch':
      return `cudaMemPrefetchAsync ${region(op.region)} ${range(op.offset, op.length)} to ${procName(op.to)}`;
    case 'uvm.advise':
      return `cudaMemAdvise ${region(op.region)} ${op.advice}${op.target === null ? '' : ` ${procName(op.target)}`}`;
    case 'note':
      return firstWords(op.text, 90);
    case 'bookmark':
      return `bookmark: ${op.name}`;
    case 'ask':
      return `ask: predict ${op.kind}${op.through === undefined ? '' : ` through ${op.through}`}`;
    case 'cpu.mmap':
    case 'cpu.munmap':
      return `${op.op.slice(4)} ${region(op.region)}`;
    case 'cpu.msync':
      return `msync ${region(op.region)} ${range(op.offset, op.length)}`;
    case 'gaia.map':
      return `gmmap ${region(op.region)} on ${procName(op.gpu)}`;
    case 'gaia.maquire':
    case 'gaia.mrelease':
      return `${op.op.slice(5)} ${region(op.region)} ${range(op.offset, op.length)} ${procName(op.gpu)}`;
    case 'hmm.migrate':
      return `migrate_vma ${region(op.region)} ${range(op.offset, op.length)} to ${procName(op.to)}`;
    case 'hmm.evict':
      return `evict device chunk ${op.chunk} of ${procName(op.gpu)}`;
    case 'gdr.pin':
    case 'gdr.map':
    case 'gdr.unpin':
      return `gdr ${op.op.slice(4)} ${region(op.region)} (process ${op.process})`;
    case 'gdr.copy':
      return `gdr copy ${op.direction} ${region(op.region)} ${range(op.offset, op.length)} (process ${op.process})`;
    default: {
      const other: { op: string } = op;
      return other.op;
    }
  }
}
