/**
 * Random scenarios over the whole platform, for the property tests (platform-properties.test.ts): managed, file,
 * anonymous and device regions, with every op of the format (STEP_OPS), generated in an order that works by following
 * each region's state (mmap before a CPU touch of a file, gaia.map before a kernel or maquire touches it, gdr.pin and
 * gdr.map before a copy or a CPU touch of device memory, hmm.evict of chunk 0 only after something migrated to that
 * GPU since its last eviction, uvm.open before a second process's accesses).
 */
import fc from 'fast-check';
import { STEP_OPS } from '../../src/engine/scenario/index';

const KiB = 1024;
const MiB = 1024 * KiB;
const PAGE = 4 * KiB;

type Kind = 'managed' | 'file' | 'anonymous' | 'device';
const SIZES: Record<Kind, number[]> = {
  managed: [64 * KiB, 1 * MiB, 2 * MiB, 3 * MiB + 12 * KiB],
  file: [16 * KiB, 64 * KiB, 1 * MiB + 4 * KiB],
  // 2 MiB + 8 KiB spans two migrate windows (512 pages each)
  anonymous: [4 * KiB, 64 * KiB, 256 * KiB, 2 * MiB + 8 * KiB],
  device: [64 * KiB, 256 * KiB, 2 * MiB],
};
/** Every op but narration and predict mode's questions: the scenario format's own list, so a new op joins the mix. */
const OPS = STEP_OPS.filter((op): op is Exclude<(typeof STEP_OPS)[number], 'note' | 'bookmark' | 'ask'> => op !== 'note' && op !== 'bookmark' && op !== 'ask');
type Op = (typeof OPS)[number];
/** The kind of region each op needs (null: any). */
const NEEDS: Record<Op, Kind | null> = {
  'cpu.read': null,
  'cpu.write': null,
  'gpu.kernel': null,
  'uvm.prefetch': 'managed',
  'uvm.advise': 'managed',
  'uvm.open': 'managed',
  'cpu.mmap': 'file',
  'cpu.munmap': 'file',
  'cpu.msync': 'file',
  'gaia.map': 'file',
  'gaia.maquire': 'file',
  'gaia.mrelease': 'file',
  'gaia.inject': 'file',
  'hmm.migrate': 'anonymous',
  'hmm.evict': 'anonymous',
  'gdr.pin': 'device',
  'gdr.map': 'device',
  'gdr.copy': 'device',
  'gdr.unpin': 'device',
};
const FAULTS = ['no-cpu-page', 'no-gpu-page', 'no-private-data', 'no-gpu-vma', 'no-callback'];
const ADVICE = ['read-mostly', 'unset-read-mostly', 'preferred-location', 'unset-preferred-location', 'accessed-by', 'unset-accessed-by'];

const arbStep = fc.record({
  op: fc.constantFrom(...OPS),
  region: fc.nat(),
  gpu: fc.nat(),
  access: fc.constantFrom('read', 'write', 'atomic'),
  pattern: fc.constantFrom('sequential', 'random', 'strided', 'list'),
  seed: fc.integer({ min: 1, max: 1000 }),
  a: fc.double({ min: 0, max: 1, noNaN: true }),
  b: fc.double({ min: 0, max: 1, noNaN: true }),
  toCpu: fc.boolean(),
  extra: fc.nat({ max: 3 }),
});

export const arbScenario = fc
  .record({
    gpus: fc.integer({ min: 1, max: 2 }),
    gpuMiB: fc.constantFrom(4, 8, 80 * 1024),
    prefetch: fc.constantFrom('density', 'off', 'correlation'),
    thrashing: fc.constantFrom('on', 'off'),
    uvmShared: fc.constantFrom('on', 'off'),
    counts: fc.record({
      managed: fc.integer({ min: 0, max: 2 }),
      file: fc.integer({ min: 0, max: 2 }),
      anonymous: fc.integer({ min: 0, max: 2 }),
      device: fc.integer({ min: 0, max: 2 }),
    }),
    sizes: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
    deviceGpu: fc.array(fc.nat(), { minLength: 2, maxLength: 2 }),
    steps: fc.array(arbStep, { minLength: 2, maxLength: 12 }),
  })
  .map(build);

type Step = ReturnType<typeof arbStep.generate>['value'];
interface Region {
  name: string;
  kind: Kind;
  size: number;
  gpu: number;
}

/** The YAML of a scenario whose ops come in an order that works, following each region's state. */
function build(s: {
  gpus: number;
  gpuMiB: number;
  prefetch: string;
  thrashing: string;
  uvmShared: string;
  counts: Record<Kind, number>;
  sizes: number[];
  deviceGpu: number[];
  steps: Step[];
}): string {
  const gpuNames = Array.from({ length: s.gpus }, (_, i) => `gpu${i}`);
  const regions: Region[] = [];
  let k = 0;
  for (const kind of ['managed', 'file', 'anonymous', 'device'] as Kind[]) {
    for (let i = 0; i < s.counts[kind]; i++) {
      const sizes = SIZES[kind];
      const gpu = kind === 'device' ? s.deviceGpu[i] % s.gpus : -1;
      regions.push({ name: `${kind[0].toUpperCase()}${i}`, kind, size: sizes[s.sizes[k++] % sizes.length], gpu });
    }
  }
  if (!regions.length) regions.push({ name: 'M0', kind: 'managed', size: 1 * MiB, gpu: -1 });
  const pagesOf = (r: Region) => Math.ceil(r.size / PAGE);
  const ofKind = (kind: Kind) => regions.filter((r) => r.kind === kind);

  // per-region state, as the engine will have it
  const mapped = new Map<string, boolean>(); // file: cpu.mmap'd (or gmmap'd)
  const shared = new Map<string, number>(); // file: gaia.map'd to GPU index (absent: not shared)
  const pinned = new Map<string, boolean>(); // device: gdr.pin'd
  const gdrMapped = new Map<string, boolean>(); // device: gdr.map'd
  const hasChunk = new Set<number>(); // GPU indices with a live HMM chunk (something migrated since the last evict)
  let secondProcess = false; // uvm.open done

  const lines = [
    'uvmscope: 1',
    `machine: { gpus: [ ${gpuNames.map((n) => `{ name: ${n}, memory: ${s.gpuMiB}MiB }`).join(', ')} ] }`,
    `policy: { prefetch: ${s.prefetch}, thrashing: ${s.thrashing}, uvmSharedMapping: ${s.uvmShared} }`,
    'regions:',
    ...regions.map((r) => `  - { name: ${r.name}, kind: ${r.kind}, size: ${r.size}${r.kind === 'device' ? `, gpu: ${gpuNames[r.gpu]}` : ''} }`),
    'steps:',
  ];
  const emit = (l: string) => lines.push(`  - ${l}`);

  /** A range inside region r: offset and length in bytes (whole pages). */
  const range = (r: Region, st: Step) => {
    const n = pagesOf(r);
    const first = Math.floor(st.a * n) % n;
    const len = 1 + (Math.floor(st.b * (n - first)) % (n - first));
    return { offset: first * PAGE, length: len * PAGE };
  };
  const access = (r: Region, st: Step, op: string | null) => {
    const n = pagesOf(r);
    const head = `region: ${r.name}${op ? `, op: ${op}` : ''}`;
    switch (st.pattern) {
      case 'sequential': {
        const { offset, length } = range(r, st);
        return `${head}, offset: ${offset}, length: ${length}`;
      }
      case 'random':
        return `${head}, pattern: random, count: ${1 + Math.floor(st.b * 48)}, seed: ${st.seed}`;
      case 'strided':
        return `${head}, pattern: strided, stride: ${Math.max(1, Math.floor(st.a * 8)) * 16 * PAGE}`;
      default:
        return `${head}, pattern: list, pages: [${[st.seed % n, (st.seed * 7) % n, 0].join(', ')}]`;
    }
  };
  const gpuOf = (st: Step) => st.gpu % s.gpus;

  /** Make a file mapped / shared, or device memory pinned / mapped, before an op that needs it. */
  const ensureMapped = (r: Region) => {
    if (!mapped.get(r.name)) {
      emit(`{ op: cpu.mmap, region: ${r.name} }`);
      mapped.set(r.name, true);
    }
  };
  const ensureShared = (r: Region, gpu: number) => {
    if (!shared.has(r.name)) {
      emit(`{ op: gaia.map, region: ${r.name}, gpu: ${gpuNames[gpu]} }`);
      shared.set(r.name, gpu);
      mapped.set(r.name, true); // gmmap maps the file on the CPU too
    }
    return shared.get(r.name)!;
  };
  const ensureGdr = (r: Region, map: boolean) => {
    if (!pinned.get(r.name)) {
      emit(`{ op: gdr.pin, region: ${r.name} }`);
      pinned.set(r.name, true);
      gdrMapped.set(r.name, false);
    }
    if (map && !gdrMapped.get(r.name)) {
      emit(`{ op: gdr.map, region: ${r.name} }`);
      gdrMapped.set(r.name, true);
    }
  };

  for (const st of s.steps) {
    const need = NEEDS[st.op];
    const pool = need ? ofKind(need) : regions;
    if (!pool.length) {
      // no region of the kind the op needs: a plain CPU write of some region instead
      const r = regions[st.region % regions.length];
      if (r.kind === 'file') ensureMapped(r);
      if (r.kind === 'device') ensureGdr(r, true);
      emit(`{ op: cpu.write, ${access(r, st, null)} }`);
      continue;
    }
    const r = pool[st.region % pool.length];
    const g = gpuOf(st);
    switch (st.op) {
      case 'cpu.read':
      case 'cpu.write':
        if (r.kind === 'file') ensureMapped(r);
        if (r.kind === 'device') ensureGdr(r, true);
        emit(`{ op: ${st.op}, ${access(r, st, null)} }`);
        break;
      case 'gpu.kernel': {
        // one to three accesses, of regions of any kind; files need a shared GPU mapping first
        const picks = [r, ...Array.from({ length: st.extra % 3 }, (_, i) => regions[(st.region + i + 1) % regions.length])];
        let gpu = g;
        for (const p of picks) if (p.kind === 'file') gpu = ensureShared(p, gpu);
        const accs = picks.map((p, i) => `{ ${access(p, { ...st, seed: st.seed + i }, i === 0 ? st.access : 'read')} }`);
        emit(`{ op: gpu.kernel, gpu: ${gpuNames[gpu]}, accesses: [ ${accs.join(', ')} ] }`);
        break;
      }
      case 'uvm.prefetch':
        emit(`{ op: uvm.prefetch, region: ${r.name}, to: ${st.toCpu ? 'cpu' : gpuNames[g]} }`);
        break;
      case 'uvm.advise': {
        const advice = ADVICE[st.seed % ADVICE.length];
        const target = advice === 'preferred-location' || advice === 'accessed-by' || advice === 'unset-accessed-by';
        emit(`{ op: uvm.advise, region: ${r.name}, advice: ${advice}${target ? `, target: ${st.toCpu ? 'cpu' : gpuNames[g]}` : ''} }`);
        break;
      }
      case 'cpu.mmap':
        emit(`{ op: cpu.mmap, region: ${r.name} }`);
        mapped.set(r.name, true);
        break;
      case 'cpu.munmap':
        ensureMapped(r);
        emit(`{ op: cpu.munmap, region: ${r.name} }`);
        mapped.set(r.name, false);
        break;
      case 'cpu.msync': {
        ensureMapped(r);
        const { offset, length } = range(r, st);
        emit(`{ op: cpu.msync, region: ${r.name}, offset: ${offset}, length: ${length} }`);
        break;
      }
      case 'gaia.map':
        ensureShared(r, g);
        break;
      case 'uvm.open':
        // a second process opens /dev/nvidia-uvm once, then touches its own copy of a managed region
        if (!secondProcess) emit('{ op: uvm.open, process: 2 }');
        secondProcess = true;
        emit(`{ op: ${st.toCpu ? 'cpu.read' : 'cpu.write'}, ${access(r, st, null)}, process: 2 }`);
        break;
      case 'gaia.inject': {
        // an injected failure of get_page_from_gpu, then a CPU read of the range that may fire it
        ensureShared(r, g);
        const { offset, length } = range(r, st);
        emit(`{ op: gaia.inject, region: ${r.name}, fault: ${FAULTS[st.seed % FAULTS.length]}, offset: ${offset}, length: ${length} }`);
        emit(`{ op: cpu.read, region: ${r.name}, offset: ${offset}, length: ${length} }`);
        break;
      }
      case 'gaia.maquire':
      case 'gaia.mrelease': {
        const gpu = ensureShared(r, g);
        const { offset, length } = range(r, st);
        emit(`{ op: ${st.op}, region: ${r.name}, offset: ${offset}, length: ${length}, gpu: ${gpuNames[gpu]} }`);
        break;
      }
      case 'hmm.migrate': {
        const { offset, length } = range(r, st);
        const to = st.toCpu ? 'cpu' : gpuNames[g];
        emit(`{ op: hmm.migrate, region: ${r.name}, to: ${to}, offset: ${offset}, length: ${length} }`);
        if (!st.toCpu) hasChunk.add(g);
        break;
      }
      case 'hmm.evict':
        if (!hasChunk.has(g)) {
          // nothing to evict on that GPU yet: migrate something there first
          emit(`{ op: hmm.migrate, region: ${r.name}, to: ${gpuNames[g]} }`);
        }
        emit(`{ op: hmm.evict, gpu: ${gpuNames[g]}, chunk: 0 }`);
        hasChunk.delete(g);
        break;
      case 'gdr.pin':
        if (pinned.get(r.name)) emit(`{ op: gdr.unpin, region: ${r.name} }`);
        emit(`{ op: gdr.pin, region: ${r.name} }`);
        pinned.set(r.name, true);
        gdrMapped.set(r.name, false);
        break;
      case 'gdr.map':
        ensureGdr(r, true);
        break;
      case 'gdr.copy': {
        ensureGdr(r, true);
        const n = r.size;
        const offset = Math.floor(st.a * (n - 1));
        const length = 1 + Math.floor(st.b * (n - offset - 1));
        emit(`{ op: gdr.copy, region: ${r.name}, direction: ${st.toCpu ? 'from-gpu' : 'to-gpu'}, offset: ${offset}, length: ${length} }`);
        break;
      }
      case 'gdr.unpin':
        ensureGdr(r, false);
        emit(`{ op: gdr.unpin, region: ${r.name} }`);
        pinned.set(r.name, false);
        gdrMapped.set(r.name, false);
        break;
    }
  }
  return lines.join('\n') + '\n';
}

