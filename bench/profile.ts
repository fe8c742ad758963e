/**
 * `--profile` (or `--profile=events`): one execute() of the page-event scenario under V8's sampling CPU profiler
 * (node:inspector), after one unprofiled warm-up run so that it profiles the same warm code the throughput figure times. Prints the functions with
 * the most self time and with the most total (inclusive) time, and the files with the most self time. The raw
 * profile is written to the OS temp directory (open it in Chrome DevTools or speedscope). tsx hands V8 whitespace-
 * minified code (every function on "line 1"), so the line shown is where a function of that name is defined in the
 * source file, found by name (the first such definition when a file has several).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execute } from '../src/engine/run/execute.js';
import { fullGc } from './gc.js';
import { progress } from './log.js';
import { pageEventsYaml, parseOrThrow, sizeText } from './scenarios.js';
import type { BenchSizes } from './sizes.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  fn: string;
  where: string;
  ms: number;
  percent: number;
}

export interface ProfileResult {
  /** What was profiled, for the heading. */
  what: string;
  regionBytes: number;
  executeMs: number;
  sampledMs: number;
  topSelf: ProfileEntry[];
  topTotal: ProfileEntry[];
  topFilesSelf: ProfileEntry[];
  file: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SAMPLING_INTERVAL_US = 200;

const sources = new Map<string, string[] | null>();
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 1-based line of the definition of `fn` in a source file, by name; 0 when not found. */
function definitionLine(path: string, fn: string): number {
  if (!sources.has(path)) {
    try {
      sources.set(path, readFileSync(path, 'utf8').split('\n'));
    } catch {
      sources.set(path, null);
    }
  }
  const lines = sources.get(path);
  if (!lines || !/^[\w$]+$/.test(fn)) return 0;
  const name = escapeRe(fn);
  const def = new RegExp(
    `(function\\s*\\*?\\s*${name}\\b|^\\s*(?:(?:export|private|public|protected|static|readonly|async|get|set|override)\\s+)*${name}\\s*[(<]|\\b(?:const|let)\\s+${name}\\s*=)`,
  );
  const i = lines.findIndex((l) => def.test(l));
  return i + 1;
}

function pathOf(cf: CallFrame): string {
  return cf.url.startsWith('file://') ? fileURLToPath(cf.url) : cf.url;
}
function fileOf(cf: CallFrame): string {
  if (!cf.url) return `(${cf.functionName || 'native'})`;
  const path = pathOf(cf);
  return path.startsWith(ROOT) ? relative(ROOT, path) : path;
}
function where(cf: CallFrame): string {
  if (!cf.url) return '';
  const line = definitionLine(pathOf(cf), cf.functionName);
  return line ? `${fileOf(cf)}:${line}` : fileOf(cf);
}
function nameOf(cf: CallFrame): string {
  return cf.functionName || '(anonymous)';
}

function top(map: Map<string, { fn: string; where: string; us: number }>, totalUs: number, n: number): ProfileEntry[] {
  return [...map.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, n)
    .map((e) => ({ fn: e.fn, where: e.where, ms: e.us / 1000, percent: (100 * e.us) / totalUs }));
}

export function summarise(profile: CpuProfile, n: number): Pick<ProfileResult, 'sampledMs' | 'topSelf' | 'topTotal' | 'topFilesSelf'> {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const c of node.children ?? []) parent.set(c, node.id);
  }
  const self = new Map<string, { fn: string; where: string; us: number }>();
  const total = new Map<string, { fn: string; where: string; us: number }>();
  const files = new Map<string, { fn: string; where: string; us: number }>();
  const add = (m: typeof self, key: string, fn: string, w: string, us: number) => {
    const e = m.get(key);
    if (e) e.us += us;
    else m.set(key, { fn, where: w, us });
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let totalUs = 0;
  for (let i = 0; i < samples.length; i++) {
    // a sample's duration is the time until the next sample (as DevTools counts it)
    const us = i + 1 < deltas.length ? deltas[i + 1] : 0;
    if (us <= 0) continue;
    totalUs += us;
    const node = byId.get(samples[i]);
    if (!node) continue;
    const cf = node.callFrame;
    const key = `${nameOf(cf)}@${where(cf)}`;
    add(self, key, nameOf(cf), where(cf), us);
    add(files, fileOf(cf), fileOf(cf), '', us);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      const k = `${nameOf(f)}@${where(f)}`;
      if (seen.has(k) || nameOf(f) === '(root)') continue;
      seen.add(k);
      add(total, k, nameOf(f), where(f), us);
    }
  }
  return { sampledMs: totalUs / 1000, topSelf: top(self, totalUs, n), topTotal: top(total, totalUs, n), topFilesSelf: top(files, totalUs, n) };
}

export async function runProfile(sizes: BenchSizes, n = 15): Promise<ProfileResult> {
  const regionBytes = sizes.eventRegionBytes;
  const scenario = parseOrThrow(pageEventsYaml(regionBytes), 'bench-page-events.yaml');
  progress(`profile: ${sizeText(regionBytes)} page-event run (one warm-up run first)…`);
  execute(scenario);
  fullGc();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await session.post('Profiler.start');
  const t0 = performance.now();
  const run = execute(scenario);
  const executeMs = performance.now() - t0;
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  session.disconnect();
  if (run.pageEvents === 0) progress('WARNING: no page events');
  const file = join(tmpdir(), `uvmscope-bench-${process.pid}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  return { what: `one ${sizeText(regionBytes)} page-event execute()`, regionBytes, executeMs, ...summarise(profile, n), file };
}
