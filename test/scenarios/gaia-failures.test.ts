/**
 * gaia-get-page-failures.yaml: each of get_page_from_gpu's five checks fails once, by an injection, and the scenario
 * shows what the narration says: the path stops at that check, pagecache_get_page_ucm reports no page, filemap_fault
 * retries through no_cached_page and -EEXIST, and the second call pulls the page; the pages without an injection are
 * pulled at the first try.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, parseScenario } from '../../src/engine/scenario/index.js';
import { execute } from '../../src/engine/run/execute.js';
import { checkEveryStep } from '../../src/engine/run/step-check.js';
import type { Run } from '../../src/engine/run/run.js';
import { fnGetPageFromGpu } from '../../src/engine/gaia/code.js';
import { fnFilemapFault } from '../../src/engine/pagecache/code.js';

const text = readFileSync(new URL('../../assets/scenarios/gaia-get-page-failures.yaml', import.meta.url), 'utf8');
const parsed = parseScenario(text, 'gaia-get-page-failures.yaml');
if (!parsed.ok) throw new Error(parsed.errors.map(formatScenarioError).join('\n'));
const scenario = parsed.scenario;
let cached: Run | null = null;
const run = (): Run => (cached ??= execute(scenario));

/** The op index of a bookmark's preceding cpu.read. */
function readBefore(bookmark: string): number {
  const at = scenario.steps.findIndex((s) => s.op === 'bookmark' && s.name === bookmark);
  if (at < 0) throw new Error(`no bookmark ${bookmark}`);
  return at - 1;
}

/** Transitions of one op as [kind, text, fields]. */
function eventsOf(op: number): { kind: string; text: string; fields: Record<string, number | string> }[] {
  const r = run();
  const out = [];
  for (let t = 0; t < r.transitionCount; t++) {
    if (r.opOf(r.stepOfTransition(t)) !== op) continue;
    const v = r.transition(t);
    if (v.type === 'event') out.push({ kind: v.kind, text: v.text, fields: v.fields });
  }
  return out;
}

/** The labels of get_page_from_gpu's lines, per call, in one op. */
function callsOf(op: number): string[][] {
  const r = run();
  const labels = new Map(Object.entries(fnGetPageFromGpu.at).map(([label, id]) => [id, label]));
  const calls: string[][] = [];
  for (let s = 0; s < r.stepCount; s++) {
    if (r.opOf(s) !== op) continue;
    const label = labels.get(r.ctx.steps.lineOf(s));
    if (label === undefined) continue;
    if (label === 'entry') calls.push([]);
    calls[calls.length - 1].push(label);
  }
  return calls;
}

const CASES: [bookmark: string, index: number, stopsAt: string[], reason: string][] = [
  ['no-cpu-page', 0, ['entry', 'cpuPage', 'fail'], 'no CPU page'],
  ['no-gpu-page', 1, ['entry', 'cpuPage', 'lookup', 'fail'], 'no GPU page'],
  ['no-private-data', 2, ['entry', 'cpuPage', 'lookup', 'pdata', 'fail'], 'no private data'],
  ['no-gpu-vma', 3, ['entry', 'cpuPage', 'lookup', 'pdata', 'vma', 'fail'], 'no GPU-mapped VMA'],
  ['no-callback', 4, ['entry', 'cpuPage', 'lookup', 'pdata', 'vma', 'ops', 'fail'], 'no retrive_cached_page callback'],
];
const SUCCESS = ['entry', 'cpuPage', 'lookup', 'pdata', 'vma', 'ops', 'retrieve', 'version', 'ret'];

describe('gaia-get-page-failures.yaml', () => {
  it.each(CASES)('%s: the injected check fails once, the fault retries, and the second call pulls the page', (bookmark, index, stopsAt, reason) => {
    const op = readBefore(bookmark);
    expect(callsOf(op)).toEqual([stopsAt, SUCCESS]);
    const ev = eventsOf(op);
    const fired = ev.filter((e) => e.kind === 'injectionFired');
    expect(fired.map((e) => [e.fields.index, e.fields.check])).toEqual([[index, reason]]);
    expect(ev.filter((e) => e.kind === 'getPageFailed').map((e) => [e.fields.index, e.fields.reason])).toEqual([[index, reason]]);
    expect(ev.filter((e) => e.kind === 'staleRetry').map((e) => [e.fields.index, e.fields.retry])).toEqual([[index, 1]]);
    expect(ev.filter((e) => e.kind === 'retrieved').map((e) => e.fields.index)).toEqual([index]);
    // the injection fires at the check it names, inside the first call, and disarms itself
    const r = run();
    const armed = r.platform!.gaia!.injections;
    r.seek(r.stepCount - 1);
    expect(armed.armed(0).check).toBe(-1);
  });

  it('walks filemap_fault through no_cached_page and -EEXIST back to the lookup after a failure', () => {
    const r = run();
    const op = readBefore('no-private-data');
    const labels = new Map(Object.entries(fnFilemapFault.at).map(([label, id]) => [id, label]));
    const lines: string[] = [];
    for (let s = 0; s < r.stepCount; s++) {
      if (r.opOf(s) !== op || r.frameOf(s).fn !== 'filemap_fault') continue;
      const l = labels.get(r.ctx.steps.lineOf(s))!;
      if (lines[lines.length - 1] !== l) lines.push(l);
    }
    expect(lines).toEqual(['entry', 'lookup', 'noPage', 'eexist', 'lookup', 'hit', 'ret']);
  });

  it('pulls the other 11 pages at the first try, and leaves every page fresh, mapped and unleaked', () => {
    const op = readBefore('all-pulled');
    expect(callsOf(op)).toEqual(Array.from({ length: 11 }, () => SUCCESS));
    expect(eventsOf(op).filter((e) => e.kind === 'staleRetry')).toEqual([]);
    const r = run();
    r.seek(r.stepCount - 1);
    const pc = r.platform!.linux!.cpu.pc;
    const f = r.platform!.linux!.fileOf[0];
    for (let i = 0; i < 16; i++) expect(pc.isStale(f, i, pc.cpu), `index ${i}`).toBe(false);
    // each cached page holds the cache's reference and its one PTE's: the failed lookups leaked none
    for (let i = 0; i < 16; i++) expect(pc.mem.count(pc.lookup(f, i)), `index ${i}`).toBe(2);
  });

  it('keeps the every-step invariants after every step, and every invariant at the end of each op', () => {
    const r = checkEveryStep(run(), { limit: 5 });
    expect(r.violations).toEqual([]);
    expect(r.steps).toBe(run().stepCount);
  });
});
