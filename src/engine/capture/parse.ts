/**
 * parseCapture: the text of a capture (tools/uvm-capture's JSON lines) in, a checked Capture or every located error
 * out. It never throws: a capture may come from anyone, so a cut file, another version, lines that are not JSON,
 * `__proto__` keys, numbers past 2^53 and fields of the wrong type all end as messages with their line and field.
 */
import { MAX_PLAN_GPUS } from './plan';
import {
  ACCESS_TYPES,
  CAPTURE_FORMAT,
  CAPTURE_VERSION,
  MIGRATION_CAUSES,
  REMOTE_MAP_CAUSES,
  UM_KINDS,
  type Capture,
  type CaptureEnd,
  type CaptureError,
  type CaptureGpu,
  type CaptureHeader,
  type CaptureMachine,
  type CaptureParseResult,
  type CapturePeer,
  type CaptureRecord,
  type CaptureRegion,
  type CaptureSkip,
  type CaptureStep,
  type UmKind,
} from './types';

/** A capture larger than this is refused before it is read (the committed ones are well under 1 MiB). */
export const MAX_CAPTURE_CHARS = 64 * 1024 * 1024;
/** The longest line read (the header, with the driver's parameters, is a few KiB). */
export const MAX_LINE_CHARS = 64 * 1024;
export const MAX_RECORDS = 2_000_000;
export const MAX_STEPS = 1_000_000;
export const MAX_CAPTURE_ERRORS = 50;

/** Keys that are never data: refused wherever they appear, so that nothing downstream can be tricked by them. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const HEX = /^0x[0-9a-f]{1,16}$/;
const PROC = /^(cpu|gpu\d{1,3})$/;
const TIME_LIMIT = Number.MAX_SAFE_INTEGER;
const U32 = 0xffffffff;
/** UVM_VA_BLOCK_SIZE: an address counts as a region's up to the end of its last 2 MiB block. */
const BLOCK = 2 * 1024 * 1024;

class Sink {
  readonly errors: CaptureError[] = [];
  full = false;

  add(line: number, field: string | null, message: string): void {
    if (this.full) return;
    if (this.errors.length >= MAX_CAPTURE_ERRORS) {
      this.errors.push({ line, field: null, message: `more than ${MAX_CAPTURE_ERRORS} errors; stopped reading` });
      this.full = true;
      return;
    }
    this.errors.push({ line, field, message });
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return 'a number too large to read';
  return `${typeof v} ${String(v)}`;
}

/** Reads the fields of one JSON object of one line, reporting each problem at `prefix + key`. */
class Fields {
  constructor(
    private readonly obj: Json,
    private readonly line: number,
    private readonly sink: Sink,
    private readonly prefix = '',
  ) {}

  private get(key: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.obj, key) ? this.obj[key] : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  error(key: string | null, message: string): void {
    this.sink.add(this.line, key === null ? (this.prefix.replace(/\.$/, '') || null) : this.prefix + key, message);
  }

  private missing(key: string): void {
    this.error(key, `missing field \`${key}\``);
  }

  str(key: string, max = 4096): string {
    const v = this.get(key);
    if (v === undefined) this.missing(key);
    else if (typeof v !== 'string') this.error(key, `expected a string, got ${describe(v)}`);
    else if (v.length > max) this.error(key, `longer than ${max} characters`);
    else return v;
    return '';
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const v = this.get(key);
    if (v === undefined) this.missing(key);
    else if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.error(key, `expected one of ${allowed.join(', ')}, got ${describe(v)}`);
    } else return v as T;
    return allowed[0];
  }

  matching(key: string, re: RegExp, what: string): string {
    const v = this.get(key);
    if (v === undefined) this.missing(key);
    else if (typeof v !== 'string' || !re.test(v)) this.error(key, `expected ${what}, got ${describe(v)}`);
    else return v;
    return '';
  }

  int(key: string, min: number, max: number): number {
    const v = this.get(key);
    if (v === undefined) this.missing(key);
    else if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.error(key, `expected a whole number from ${min} to ${max}, got ${describe(v)}`);
    } else return v;
    return 0;
  }

  bool(key: string): boolean {
    const v = this.get(key);
    if (v === undefined) this.missing(key);
    else if (typeof v !== 'boolean') this.error(key, `expected true or false, got ${describe(v)}`);
    else return v;
    return false;
  }

  object(key: string): Fields | null {
    const v = this.get(key);
    if (v === undefined) this.missing(key);
    else if (!isObject(v)) this.error(key, `expected an object, got ${describe(v)}`);
    else return new Fields(v, this.line, this.sink, `${this.prefix}${key}.`);
    return null;
  }

  list(key: string, max: number): unknown[] {
    const v = this.get(key);
    if (v === undefined) this.missing(key);
    else if (!Array.isArray(v)) this.error(key, `expected a list, got ${describe(v)}`);
    else if (v.length > max) this.error(key, `more than ${max} entries`);
    else return v;
    return [];
  }

  /** Each entry of a list of objects, read by `read`. */
  objects<T>(key: string, max: number, read: (f: Fields) => T): T[] {
    return this.list(key, max).flatMap((v, i) => {
      if (!isObject(v)) {
        this.error(`${key}[${i}]`, `expected an object, got ${describe(v)}`);
        return [];
      }
      return [read(new Fields(v, this.line, this.sink, `${this.prefix}${key}[${i}].`))];
    });
  }

  /** A string → string map whose keys are plain identifiers. */
  stringMap(key: string, max: number): Record<string, string> {
    const f = this.object(key);
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    if (!f) return out;
    const entries = Object.keys(f.obj);
    if (entries.length > max) {
      this.error(key, `more than ${max} entries`);
      return out;
    }
    for (const k of entries) {
      if (!/^[A-Za-z0-9_.-]{1,128}$/.test(k)) {
        f.error(k, 'expected a name of letters, digits, _ . -');
        continue;
      }
      const v = f.str(k, 4096);
      out[k] = v;
    }
    return out;
  }
}

/** The first reserved key (`__proto__`, `constructor`, `prototype`) anywhere in a parsed line, as a path. */
function reservedKey(v: unknown, path: string, depth = 0): string | null {
  if (depth > 8 || typeof v !== 'object' || v === null) return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const found = reservedKey(v[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const k of Object.keys(v)) {
    const p = path ? `${path}.${k}` : k;
    if (RESERVED_KEYS.has(k)) return p;
    const found = reservedKey((v as Json)[k], p, depth + 1);
    if (found) return found;
  }
  return null;
}

function readMachine(f: Fields | null): CaptureMachine {
  const m = f ?? new Fields({}, 0, new Sink());
  return {
    gpu: m.str('gpu', 256),
    computeCapability: m.matching('compute_capability', /^\d{1,2}\.\d{1,2}$/, 'a compute capability such as 9.0'),
    multiprocessors: m.int('multiprocessors', 0, 1_000_000),
    memoryBytes: m.int('memory_bytes', 0, TIME_LIMIT),
    freeBytesAtStart: m.int('free_bytes_at_start', 0, TIME_LIMIT),
    pciBusId: m.str('pci_bus_id', 64),
    driverVersion: m.str('driver_version', 128),
    driverApiVersion: m.int('driver_api_version', 0, 1_000_000),
    cudaRuntimeVersion: m.int('cuda_runtime_version', 0, 1_000_000),
    cuptiApiVersion: m.int('cupti_api_version', 0, 100_000_000),
    link: m.oneOf('link', ['pcie', 'nvlink-c2c'] as const),
    pcie: m.str('pcie', 128),
    pageSize: m.int('page_size', 1, 1 << 30),
    kernel: m.str('kernel', 512),
    uvmParams: m.stringMap('uvm_params', 512),
  };
}

function readRegion(f: Fields): CaptureRegion {
  return {
    index: f.int('index', 0, 1_000_000),
    name: f.str('name', 128),
    size: f.int('size', 1, TIME_LIMIT),
    base: f.matching('base', HEX, 'an address in hex (0x…)'),
    blockOffset: f.int('block_offset', 0, BLOCK - 1),
  };
}

/** The most GPUs a capture may list: what a plan may name (tools/uvm-capture kMaxGpus). */
const MAX_GPUS = MAX_PLAN_GPUS;

function readGpu(f: Fields): CaptureGpu {
  return {
    ordinal: f.int('ordinal', 0, MAX_GPUS - 1),
    name: f.str('name', 128),
    gpu: f.str('gpu', 256),
    pciBusId: f.str('pci_bus_id', 64),
    multiprocessors: f.int('multiprocessors', 0, 1_000_000),
    memoryBytes: f.int('memory_bytes', 0, TIME_LIMIT),
    freeBytesAtStart: f.int('free_bytes_at_start', 0, TIME_LIMIT),
  };
}

function readPeer(f: Fields): CapturePeer {
  return {
    from: f.int('from', 0, MAX_GPUS - 1),
    to: f.int('to', 0, MAX_GPUS - 1),
    canAccessPeer: f.int('can_access_peer', 0, 1) === 1,
    enabled: f.bool('enabled'),
    error: f.has('error') ? f.str('error', 1024) : null,
  };
}

/** A 1.0 capture's one GPU, from its `machine`. */
function gpuOfMachine(m: CaptureMachine): CaptureGpu {
  return { ordinal: 0, name: '', gpu: m.gpu, pciBusId: m.pciBusId, multiprocessors: m.multiprocessors, memoryBytes: m.memoryBytes, freeBytesAtStart: m.freeBytesAtStart };
}

function readSkip(f: Fields): CaptureSkip {
  return { step: f.int('step', 0, MAX_STEPS), op: f.str('op', 64), why: f.str('why', 1024) };
}

/** The header's own fields, once format and version are known to be right. */
function readHeader(f: Fields): CaptureHeader {
  const regions = f.objects('regions', 10_000, readRegion);
  const counters = f.list('counters', 64).flatMap((v, i) => {
    if (typeof v === 'string' && (UM_KINDS as readonly string[]).includes(v)) return [v as UmKind];
    f.error(`counters[${i}]`, `expected one of ${UM_KINDS.join(', ')}, got ${describe(v)}`);
    return [];
  });
  const ignored = f.list('ignored', 1000).flatMap((v, i) => {
    if (typeof v === 'string' && v.length <= 1024) return [v];
    f.error(`ignored[${i}]`, `expected a string, got ${describe(v)}`);
    return [];
  });
  const header: CaptureHeader = {
    format: CAPTURE_FORMAT,
    version: CAPTURE_VERSION,
    tool: f.str('tool', 128),
    date: f.str('date', 64),
    command: f.str('command', 4096),
    scenario: f.str('scenario', 1024),
    source: f.str('source', 1024),
    planVersion: f.int('plan_version', 1, 1_000_000),
    planHash: f.matching('plan_hash', /^[0-9a-f]{16}$/, '16 hex digits'),
    t0: f.matching('t0', /^\d{1,20}$/, 'a whole number in decimal'),
    machine: readMachine(f.object('machine')),
    gpus: [],
    peers: [],
    counters,
    steps: f.int('steps', 0, MAX_STEPS),
    managedBytes: f.int('managed_bytes', 0, TIME_LIMIT),
    scaled: f.bool('scaled'),
    regions,
    skipped: f.objects('skipped', MAX_STEPS, readSkip),
    ignored,
  };
  header.gpus = f.has('gpus') ? f.objects('gpus', MAX_GPUS, readGpu) : [gpuOfMachine(header.machine)];
  header.peers = f.has('peers') ? f.objects('peers', MAX_GPUS * MAX_GPUS, readPeer) : [];
  const seen = new Set<number>();
  regions.forEach((r, i) => {
    if (seen.has(r.index)) f.error(`regions[${i}].index`, `region ${r.index} is listed twice`);
    seen.add(r.index);
  });
  // GPUs in ordinal order, 0, 1, 2…; peers between two different listed GPUs
  header.gpus.forEach((g, i) => {
    if (g.ordinal !== i) f.error(`gpus[${i}].ordinal`, `expected GPU ${i} (the GPUs are listed by ordinal, from 0)`);
  });
  header.peers.forEach((p, i) => {
    if (p.from === p.to || p.from >= header.gpus.length || p.to >= header.gpus.length) {
      f.error(`peers[${i}]`, `a peer pair of two different listed GPUs, got ${p.from} → ${p.to}`);
    }
  });
  return header;
}

function readRecord(f: Fields, line: number, header: CaptureHeader): CaptureRecord {
  const kind = f.oneOf('kind', UM_KINDS);
  const timed = kind === 'htod' || kind === 'dtoh' || kind === 'dtod' || kind === 'gpu_page_fault' || kind === 'throttling';
  const sized = kind === 'htod' || kind === 'dtoh' || kind === 'dtod' || kind === 'thrashing' || kind === 'remote_map';
  const migration = kind === 'htod' || kind === 'dtoh' || kind === 'dtod';
  const fault = kind === 'cpu_page_fault' || kind === 'gpu_page_fault';
  const r: CaptureRecord = {
    line,
    kind,
    start: f.int('start', -TIME_LIMIT, TIME_LIMIT),
    end: timed ? f.int('end', -TIME_LIMIT, TIME_LIMIT) : null,
    address: f.matching('address', HEX, 'an address in hex (0x…)'),
    region: null,
    offset: null,
    bytes: sized ? f.int('bytes', 0, TIME_LIMIT) : null,
    value: kind === 'gpu_page_fault' ? f.int('value', 0, TIME_LIMIT) : null,
    src: migration || kind === 'gpu_page_fault' || kind === 'throttling' || kind === 'remote_map' ? f.matching('src', PROC, 'cpu or gpu<n>') : null,
    dst: migration || kind === 'remote_map' ? f.matching('dst', PROC, 'cpu or gpu<n>') : null,
    cause: migration ? f.oneOf('cause', MIGRATION_CAUSES) : kind === 'remote_map' ? f.oneOf('cause', REMOTE_MAP_CAUSES) : null,
    access: fault ? f.oneOf('access', ACCESS_TYPES) : null,
    inCpu: kind === 'thrashing' || kind === 'throttling' ? f.bool('in_cpu') : null,
    pc: kind === 'cpu_page_fault' ? f.matching('pc', HEX, 'an address in hex (0x…)') : null,
    processors: kind === 'thrashing' ? f.matching('processors', HEX, 'a bit mask in hex (0x…)') : null,
    flags: f.int('flags', 0, U32),
  };
  if (timed && r.end !== null && r.end < r.start) f.error('end', `ends (${r.end}) before it starts (${r.start})`);
  if (f.has('region') || f.has('offset')) {
    const region = f.int('region', 0, 1_000_000);
    const offset = f.int('offset', 0, TIME_LIMIT);
    const spec = header.regions.find((g) => g.index === region);
    if (!spec) f.error('region', `region ${region} is not in the header`);
    else if (offset >= Math.ceil(spec.size / BLOCK) * BLOCK) f.error('offset', `offset ${offset} is past region ${spec.name}'s 2 MiB blocks`);
    else {
      r.region = region;
      r.offset = offset;
    }
  }
  return r;
}

function readStep(f: Fields, line: number): CaptureStep {
  const s: CaptureStep = {
    line,
    step: f.int('step', 0, MAX_STEPS),
    op: f.matching('op', /^[a-z][a-z0-9.-]{0,63}$/, 'an op name such as gpu.kernel'),
    skipped: f.bool('skipped'),
    start: f.int('start', -TIME_LIMIT, TIME_LIMIT),
    end: f.int('end', -TIME_LIMIT, TIME_LIMIT),
  };
  if (s.end < s.start) f.error('end', `ends (${s.end}) before it starts (${s.start})`);
  return s;
}

function readEnd(f: Fields, line: number): CaptureEnd {
  const status = f.oneOf('status', ['ok', 'error'] as const);
  return {
    line,
    status,
    message: f.has('message') ? f.str('message', 4096) : null,
    records: f.int('records', 0, MAX_RECORDS),
    steps: f.int('steps', 0, MAX_STEPS),
    dropped: f.int('dropped', 0, TIME_LIMIT),
  };
}

/** Reads a capture. `source` names it in no message (errors carry line and field); it is for the caller's report. */
export function parseCapture(text: string): CaptureParseResult {
  const sink = new Sink();
  if (text.length > MAX_CAPTURE_CHARS) {
    sink.add(0, null, `the capture is ${text.length} characters; at most ${MAX_CAPTURE_CHARS} are read`);
    return { ok: false, errors: sink.errors };
  }
  const lines = text.split('\n');
  const terminated = text.endsWith('\n');
  if (terminated) lines.pop();
  let header: CaptureHeader | null = null;
  let end: CaptureEnd | null = null;
  const records: CaptureRecord[] = [];
  const steps: CaptureStep[] = [];

  for (let i = 0; i < lines.length && !sink.full; i++) {
    const lineNo = i + 1;
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    const last = i === lines.length - 1;
    if (raw.trim() === '') continue;
    if (end) {
      sink.add(lineNo, null, `text after the end line (line ${end.line})`);
      break;
    }
    if (raw.length > MAX_LINE_CHARS) {
      sink.add(lineNo, null, `the line is ${raw.length} characters; at most ${MAX_LINE_CHARS}`);
      if (!header) break;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      if (last && !terminated) sink.add(lineNo, null, `the capture is truncated: its last line is cut short`);
      else sink.add(lineNo, null, `not JSON: ${e instanceof Error ? e.message : String(e)}`);
      if (!header) break;
      continue;
    }
    if (!isObject(value)) {
      sink.add(lineNo, null, `expected a JSON object, got ${describe(value)}`);
      if (!header) break;
      continue;
    }
    const bad = reservedKey(value, '');
    if (bad) {
      sink.add(lineNo, bad, `the key \`${bad.split('.').pop()}\` is not allowed in a capture`);
      if (!header) break;
      continue;
    }
    const f = new Fields(value, lineNo, sink);
    const type = value.type;
    if (!header) {
      if (type !== 'header' || value.format !== CAPTURE_FORMAT) {
        sink.add(lineNo, null, `not a ${CAPTURE_FORMAT} file: its first line is not a capture header`);
        break;
      }
      if (value.version !== CAPTURE_VERSION) {
        const v = typeof value.version === 'number' ? String(value.version) : describe(value.version);
        sink.add(lineNo, 'version', `unsupported capture version ${v}: this build reads version ${CAPTURE_VERSION}`);
        break;
      }
      header = readHeader(f);
      continue;
    }
    switch (type) {
      case 'um':
        if (records.length >= MAX_RECORDS) {
          sink.add(lineNo, null, `more than ${MAX_RECORDS} records`);
          sink.full = true;
          break;
        }
        records.push(readRecord(f, lineNo, header));
        break;
      case 'step':
        if (steps.length >= MAX_STEPS) {
          sink.add(lineNo, null, `more than ${MAX_STEPS} steps`);
          sink.full = true;
          break;
        }
        steps.push(readStep(f, lineNo));
        break;
      case 'end':
        end = readEnd(f, lineNo);
        break;
      case 'header':
        sink.add(lineNo, 'type', 'a second header: two captures joined into one file?');
        break;
      default:
        sink.add(lineNo, 'type', `expected a line of type um, step or end, got ${describe(type)}`);
    }
  }

  if (sink.full || sink.errors.length > 0 || !header) {
    if (!header && sink.errors.length === 0) sink.add(0, null, 'the capture is empty');
    return { ok: false, errors: sink.errors };
  }
  if (!end) {
    sink.add(lines.length, null, 'the capture is truncated: it has no end line (the tool did not finish, or the file was cut)');
    return { ok: false, errors: sink.errors };
  }
  checkConsistency(header, records, steps, end, sink);
  if (sink.errors.length > 0) return { ok: false, errors: sink.errors };
  const capture: Capture = { header, records, steps, end };
  return { ok: true, capture };
}

function checkConsistency(header: CaptureHeader, records: CaptureRecord[], steps: CaptureStep[], end: CaptureEnd, sink: Sink): void {
  if (end.records !== records.length) {
    sink.add(end.line, 'records', `the end line counts ${end.records} records, the capture has ${records.length}`);
  }
  if (end.steps !== steps.length) sink.add(end.line, 'steps', `the end line counts ${end.steps} steps, the capture has ${steps.length}`);
  if (end.status === 'ok' && steps.length !== header.steps) {
    sink.add(end.line, 'steps', `the header announces ${header.steps} steps, the capture ran ${steps.length}`);
  }
  steps.forEach((s, i) => {
    if (s.step !== i) sink.add(s.line, 'step', `steps must come in order: expected step ${i}, got ${s.step}`);
    else if (i > 0 && s.start < steps[i - 1].end) sink.add(s.line, 'start', `step ${i} starts before step ${i - 1} ends`);
  });
}
