/**
 * The capture plan: a scenario's steps as plain lines that tools/uvm-capture (a CUDA C++ program) reads and runs on a
 * real GPU. tools/uvm-capture/README.md describes the format; in short:
 *
 *     uvm-plan 1                                 the plan format version
 *     scenario <name>                            header lines, `key value…`, up to `begin`
 *     source <file>
 *     page-size 4096
 *     gpu 0 <name>                               CUDA device ordinal and the scenario's name for it, one line per
 *     gpu 1 <name>                               device up to the highest the scenario uses (gpu1 = device 1)
 *     region <index> <name> <bytes>              managed regions only, by the scenario's region index
 *     managed-bytes <total>
 *     steps <count>
 *     skipped <step> <op> <why…>                 one per step the tool cannot run
 *     ignored <what> <why…>                      scenario settings a user-space program cannot apply
 *     begin
 *     step <i> cpu read|write <region> <pages>
 *     step <i> kernel <device> <accesses>        followed by that many `access <region> <op> <pattern> <pages>`
 *     step <i> prefetch <region> <offset> <length> cpu|gpu<ordinal>
 *     step <i> advise <region> <advice> cpu|gpu<ordinal>|-
 *     step <i> skip <op>                         preceded by a `# step i: …` comment saying why
 *     end
 *
 * `<pages>` lists 4 KiB page indices from the region's start in the order they are touched, as comma-separated items
 * `a` or `a-b` (every page from a to b, ascending); byte offset = index × 4096. Every step of the scenario gets one
 * `step` line, so the capture's step markers number the steps exactly as the scenario does.
 *
 * Pure TypeScript (no Node): the CLI writes the text, and the capture's reader can rebuild it to check a hash.
 */
import { DEFAULT_GPU, PAGE_SIZE, type AccessSpec, type Scenario, type StepSpec } from '../scenario/index';

export const PLAN_VERSION = 1;

/** Refuse plans whose text would pass this (the C++ tool reads it into memory; captures stay small). */
export const MAX_PLAN_CHARS = 16 * 1024 * 1024;

/** The most GPUs (CUDA devices) a plan may name. */
export const MAX_PLAN_GPUS = 8;

export interface PlanSkip {
  step: number;
  op: string;
  why: string;
}

export interface Plan {
  text: string;
  /** FNV-1a 64 of the text's UTF-8 bytes, as 16 hex digits: the capture's header repeats it. */
  hash: string;
  managedBytes: number;
  skipped: PlanSkip[];
  /** Scenario settings a user-space program cannot apply (policies, machine sizes), in words. */
  ignored: string[];
  /** Steps that run on the GPU machine (not skipped). */
  runnable: number;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; message: string };

/** Why each kind of step cannot run from a user-space CUDA program. */
const SKIP_WHY: Record<string, string> = {
  note: 'a note (nothing to run)',
  bookmark: 'a bookmark (nothing to run)',
  'uvm.open': 'a second process is not part of a one-process capture (CUPTI profiles one process)',
  'cpu.mmap': 'file regions are not captured (the page cache and GAIA need a patched kernel)',
  'cpu.munmap': 'file regions are not captured (the page cache and GAIA need a patched kernel)',
  'cpu.msync': 'file regions are not captured (the page cache and GAIA need a patched kernel)',
  'gaia.map': 'GAIA needs its patched kernel and driver',
  'gaia.maquire': 'GAIA needs its patched kernel and driver',
  'gaia.mrelease': 'GAIA needs its patched kernel and driver',
  'gaia.inject': 'a fault injection into the model, not something a program can do',
  'hmm.migrate': "HMM's migrate_vma is driven by a kernel driver (lib/test_hmm.c), not by a user program",
  'hmm.evict': "HMM's chunk eviction is driven by a kernel driver (lib/test_hmm.c), not by a user program",
  'gdr.pin': 'gdrcopy needs the gdrdrv kernel module',
  'gdr.map': 'gdrcopy needs the gdrdrv kernel module',
  'gdr.copy': 'gdrcopy needs the gdrdrv kernel module',
  'gdr.unpin': 'gdrcopy needs the gdrdrv kernel module',
};

/**
 * Builds the plan of a parsed scenario, or says why it cannot be captured. GPUs map to CUDA devices in order (the
 * scenario's gpu0 is device 0, gpu1 device 1, …); the plan names one `gpu` line per device up to the highest one the
 * scenario uses, and each kernel its device.
 */
export function buildPlan(scenario: Scenario, source = scenario.source): PlanResult {
  const gpusUsed = new Set<number>([1]);
  for (const s of scenario.steps) for (const g of gpusOf(s)) gpusUsed.add(g);
  for (const r of scenario.regions) if (r.kind === 'device' && r.gpu !== null) gpusUsed.add(r.gpu);
  const devices = Math.max(...gpusUsed);
  if (devices > MAX_PLAN_GPUS) {
    return { ok: false, message: `the scenario uses ${devices} GPUs; a capture runs on at most ${MAX_PLAN_GPUS}` };
  }

  const managed = scenario.regions.filter((r) => r.kind === 'managed');
  const isManaged = (region: number) => scenario.regions[region]?.kind === 'managed';
  const proc = (p: number) => (p === 0 ? 'cpu' : `gpu${p - 1}`);

  const body: string[] = [];
  const skipped: PlanSkip[] = [];
  const skip = (i: number, op: string, why: string) => {
    skipped.push({ step: i, op, why });
    body.push(`# step ${i}: ${op} skipped: ${why}`, `step ${i} skip ${op}`);
  };
  let size = 0;
  // predict mode's `ask` ops take no step and are not in the plan: the plan numbers the other steps in order
  captureSteps(scenario).forEach((at, i) => {
    const s = scenario.steps[at];
    switch (s.op) {
      case 'cpu.read':
      case 'cpu.write': {
        if (s.process !== 1) return skip(i, s.op, 'process 2 is a second program; a capture profiles one process');
        if (!isManaged(s.access.region)) return skip(i, s.op, nonManaged(scenario, s.access.region));
        body.push(`step ${i} cpu ${s.op === 'cpu.read' ? 'read' : 'write'} ${s.access.region} ${pageList(s.access.pages)}`);
        return;
      }
      case 'gpu.kernel': {
        const bad = s.accesses.find((a) => !isManaged(a.region));
        if (bad) return skip(i, s.op, nonManaged(scenario, bad.region));
        body.push(`step ${i} kernel ${s.gpu - 1} ${s.accesses.length}`);
        for (const a of s.accesses) body.push(accessLine(a));
        return;
      }
      case 'uvm.prefetch':
        if (!isManaged(s.region)) return skip(i, s.op, nonManaged(scenario, s.region));
        body.push(`step ${i} prefetch ${s.region} ${s.offset} ${s.length} ${proc(s.to)}`);
        return;
      case 'uvm.advise':
        if (!isManaged(s.region)) return skip(i, s.op, nonManaged(scenario, s.region));
        body.push(`step ${i} advise ${s.region} ${s.advice} ${s.target === null ? '-' : proc(s.target)}`);
        return;
      default:
        return skip(i, s.op, SKIP_WHY[s.op] ?? 'not something the capture tool can do');
    }
  });
  for (const line of body) size += line.length + 1;
  if (size > MAX_PLAN_CHARS) {
    return { ok: false, message: `the plan would be ${size} characters (at most ${MAX_PLAN_CHARS}): shorten the scenario's accesses` };
  }

  const planned = captureSteps(scenario).length;
  if (skipped.length === planned) {
    return { ok: false, message: 'nothing to capture: no step of the scenario can run on a real GPU from a user program' };
  }
  const ignored = ignoredSettings(scenario, devices);
  const managedBytes = managed.reduce((n, r) => n + r.size, 0);
  const head: string[] = [
    '# uvm-capture plan: the steps of a scenario for tools/uvm-capture (its README.md describes this format)',
    `uvm-plan ${PLAN_VERSION}`,
    `scenario ${oneLine(scenario.name)}`,
    `source ${oneLine(baseName(source))}`,
    `page-size ${PAGE_SIZE}`,
    ...Array.from({ length: devices }, (_, d) => `gpu ${d} ${oneLine(scenario.machine.gpus[d].name)}`),
    ...managed.map((r) => `region ${r.index} ${r.name} ${r.size}`),
    ...scenario.regions.filter((r) => r.kind !== 'managed').map((r) => `# region ${r.index} ${r.name} is ${r.kind} memory: not allocated`),
    `managed-bytes ${managedBytes}`,
    `steps ${planned}`,
    ...skipped.map((s) => `skipped ${s.step} ${s.op} ${s.why}`),
    ...ignored.map((s) => `ignored ${s}`),
    'begin',
  ];
  const text = [...head, ...body, 'end', ''].join('\n');
  return {
    ok: true,
    plan: { text, hash: fnv1a64(text), managedBytes, skipped, ignored, runnable: planned - skipped.length },
  };
}

/**
 * The scenario's step indices in plan order: every step but predict mode's `ask` ops, which take no step. A plan's
 * (and its capture's) step k is the scenario's step captureSteps(scenario)[k].
 */
export function captureSteps(scenario: Scenario): number[] {
  const out: number[] = [];
  scenario.steps.forEach((s, i) => {
    if ((s.op as string) !== 'ask') out.push(i);
  });
  return out;
}

function accessLine(a: AccessSpec): string {
  return `access ${a.region} ${a.op} ${a.pattern} ${pageList(a.pages)}`;
}

/** Page indices as `a` and `a-b` items (ascending runs of two or more become one item). */
export function pageList(pages: ArrayLike<number>): string {
  const items: string[] = [];
  let i = 0;
  while (i < pages.length) {
    let j = i;
    while (j + 1 < pages.length && pages[j + 1] === pages[j] + 1) j++;
    items.push(j > i ? `${pages[i]}-${pages[j]}` : `${pages[i]}`);
    i = j + 1;
  }
  return items.join(',');
}

/** The inverse of pageList (for tests and for readers of a plan); throws on a malformed list. */
export function parsePageList(text: string): number[] {
  const out: number[] = [];
  for (const item of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (!m) throw new Error(`bad page item ${JSON.stringify(item)}`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new Error(`bad page range ${item}`);
    for (let p = a; p <= b; p++) out.push(p);
  }
  return out;
}

function gpusOf(s: StepSpec): number[] {
  switch (s.op) {
    case 'gpu.kernel':
    case 'gaia.map':
    case 'gaia.maquire':
    case 'gaia.mrelease':
    case 'hmm.evict':
      return [s.gpu];
    case 'uvm.prefetch':
    case 'hmm.migrate':
      return [s.to];
    case 'uvm.advise':
      return s.target === null ? [] : [s.target];
    default:
      return [];
  }
}

function nonManaged(scenario: Scenario, region: number): string {
  const r = scenario.regions[region];
  return `region ${r.name} is ${r.kind} memory; only managed regions are captured`;
}

/** Settings of the scenario that a user-space program cannot apply on the real machine (its first `devices` GPUs). */
function ignoredSettings(scenario: Scenario, devices: number): string[] {
  const out: string[] = [];
  const p = scenario.policy;
  const driverParam = (what: string, param: string) => `${what} is the driver's module parameter ${param}, not settable by a program`;
  if (p.prefetch !== 'density') out.push(`policy.prefetch=${p.prefetch} ${driverParam('the prefetcher', 'uvm_perf_prefetch_enable')}`);
  if (p.prefetchThreshold !== 51) out.push(`policy.prefetchThreshold=${p.prefetchThreshold} ${driverParam('the threshold', 'uvm_perf_prefetch_threshold')}`);
  if (!p.thrashing) out.push(`policy.thrashing=off ${driverParam('thrashing detection', 'uvm_perf_thrashing_enable')}`);
  if (p.gdrSharedMapping) out.push('policy.gdrSharedMapping=on a counterfactual of the model');
  if (p.uvmSharedMapping) out.push('policy.uvmSharedMapping=on a counterfactual of the model');
  scenario.machine.gpus.slice(0, devices).forEach((g, d) => {
    if (g.memory !== DEFAULT_GPU.memory) {
      out.push(`machine.gpus[${d}].memory=${g.memory} the real GPU's memory is what it is (a capture never oversubscribes it)`);
    }
  });
  const g = scenario.machine.gpus[0];
  if (g.faultWindowPages !== 16 || scenario.steps.some((s) => s.op === 'gpu.kernel' && s.faultWindowPages !== g.faultWindowPages)) {
    out.push('faultWindowPages the model\'s estimate of a kernel\'s faults in flight; a real kernel runs its threads at once');
  }
  if (scenario.machine.link.kind !== 'pcie5') out.push(`machine.link=${scenario.machine.link.kind} the real link is in the capture's header`);
  return out;
}

function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim() || '-';
}

function baseName(source: string): string {
  return source.slice(Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\')) + 1);
}

/** FNV-1a, 64 bits, over the UTF-8 bytes of `text`: 16 lowercase hex digits. The C++ tool computes the same. */
export function fnv1a64(text: string): string {
  const bytes = utf8(text);
  // the hash as four 16-bit limbs, least significant first; prime = 2^40 + 0x1b3
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < bytes.length; i++) {
    h0 ^= bytes[i];
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return [h3, h2, h1, h0].map((x) => x.toString(16).padStart(4, '0')).join('');
}

/** The UTF-8 bytes of a string (the engine has no TextEncoder); a lone surrogate becomes U+FFFD, as TextEncoder does. */
export function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}
