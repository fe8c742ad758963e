/**
 * The inspector's views through the engine service: an object's fields at the cursor, its history (every transition
 * that changed it, paged, with the cursor's place in it), the watch breakpoint it offers (which parses, and which
 * continue stops at exactly where the history says the object next changes), for each kind of object; and "why".
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, ObjectRef, ObjectResult, OkResponse, ViewQuery, WhyResult } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';

const scenario = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.diagnostics)}`);
  return r;
}

let nextId = 10;
function loaded(name: string) {
  const service = new EngineService();
  const first = ok(service.handle({ type: 'load', id: 1, source: scenario(name), fileName: `${name}.yaml` }));
  const run = first.run!;
  const view = <R>(query: ViewQuery): R => ok(service.handle({ type: 'view', id: nextId++, query })).view as R;
  const seek = (step: number) => ok(service.handle({ type: 'seek', id: nextId++, step })).state;
  const object = (ref: ObjectRef, limit = 1000, offset?: number) => view<ObjectResult>({ view: 'object', ref, limit, offset });
  const bookmark = (text: string) => run.ops.find((o) => o.op === 'bookmark' && o.text === text)!.firstStep;
  const field = (o: ObjectResult, name: string) => o.fields.find((f) => f.name === name)?.value;
  return { service, run, view, seek, object, bookmark, field };
}

const page256: ObjectRef = { kind: 'page', region: 0, page: 256 };

describe('a file page in gaia-maquire', () => {
  const s = loaded('gaia-maquire');

  it('its fields at the cursor: the page-cache page, its flags and tags, the GPU page over it, its TSVT rows', () => {
    s.seek(s.bookmark('cpu-wrote'));
    const o = s.object(page256, 0);
    expect(o.title).toBe('data.bin file page 256');
    expect(s.field(o, 'page cache')).toMatch(/^pfn \d+$/);
    expect(s.field(o, 'flags')).toContain('PG_dirty');
    expect(s.field(o, 'flags')).toContain('PG_dirty_GPU');
    expect(s.field(o, 'tags')).toBe('DIRTY CPU_DIRTY ON_GPU');
    expect(s.field(o, 'gpu0 page')).toMatch(/^pfn \d+ \(indices 256–271\)$/);
    expect(s.field(o, 'radix leaf')).toMatch(/slot 0$/);
    expect(s.field(o, 'TSVT gpu0')).toBe('gpu0 0 · cpu 0 · disk 0');
    expect(s.field(o, 'gpu0')).toBe('resident, mapped read+write+atomic');
    expect(s.field(o, 'filled from the page cache')).toBe('yes');
    s.seek(s.bookmark('maquire'));
    const after = s.object(page256, 0);
    expect(s.field(after, 'tags')).toBe('none');
    expect(s.field(after, 'gpu0 page')).toBe('none');
    expect(s.field(after, 'flags')).not.toContain('PG_dirty ');
    expect(s.field(after, 'gpu0')).toBe('—');
    expect(s.field(after, 'filled from the page cache')).toBe('no');
  });

  it('its history tells the story in order: read from disk, a GPU page, CPU-dirtied, written back, dropped by maquire', () => {
    s.seek(s.run.totalSteps - 1);
    const o = s.object(page256);
    expect(o.historyTotal).toBe(o.history.length);
    expect(o.historyAtCursor).toBe(o.historyTotal);
    const texts = o.history.map((h) => h.text);
    const at = (re: RegExp) => {
      const k = texts.findIndex((x) => re.test(x));
      expect(k, String(re)).toBeGreaterThanOrEqual(0);
      return k;
    };
    const order = [
      at(/page-cache miss: file 0 index 256/),
      at(/enters the cache at file 0 index 256 \(node \d+ slot 0\)/),
      at(/disk read of file 0 index 256/),
      at(/add_to_page_cache_gpu: gpu0 page .* indices 256–271/),
      at(/^CPU_DIRTY tag set on file 0 index 256$/),
      at(/^WRITEBACK tag set on file 0 index 256$/),
      at(/write-back of file 0 indices 256–271/),
      at(/^ON_GPU tag cleared on file 0 index 256$/),
      at(/maquire dropped GPU page of indices 256–271/),
      at(/^CPU_DIRTY tag cleared on file 0 index 256$/),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // entries come oldest first, each with its step
    for (let i = 1; i < o.history.length; i++) expect(o.history[i].index).toBeGreaterThan(o.history[i - 1].index);
    for (const h of o.history) expect(h.step).toBeGreaterThanOrEqual(0);
    // nothing about another page's tags or slot
    expect(texts.some((x) => /index 257\b/.test(x) && /tag|enters/.test(x))).toBe(false);
  });

  it('pages its history, and by default ends the page at the cursor', () => {
    s.seek(s.run.totalSteps - 1);
    const all = s.object(page256).history;
    const page = s.object(page256, 5, 10);
    expect(page.historyOffset).toBe(10);
    expect(page.history.map((h) => h.index)).toEqual(all.slice(10, 15).map((h) => h.index));
    s.seek(s.bookmark('cpu-wrote'));
    const here = s.object(page256, 4);
    const cursorEnd = ok(s.service.handle({ type: 'state', id: nextId++ })).state.step;
    expect(here.historyAtCursor).toBeGreaterThan(4);
    expect(here.historyAtCursor).toBeLessThan(here.historyTotal);
    expect(here.historyOffset).toBe(here.historyAtCursor - 4);
    expect(here.history).toHaveLength(4);
    for (const h of here.history) expect(h.step).toBeLessThanOrEqual(cursorEnd);
    expect(all[here.historyAtCursor].step).toBeGreaterThan(cursorEnd);
  });

  it('"stop when this changes" parses, and continue stops where the history says the page next changes', () => {
    const from = s.bookmark('cpu-wrote');
    s.seek(from);
    const o = s.object(page256, 0);
    expect(o.watchSpec).toBeDefined();
    const bp = ok(s.service.handle({ type: 'breakpoints', id: nextId++, breakpoints: [{ id: 1, spec: o.watchSpec!, enabled: true }] })).breakpoints!;
    expect(bp[0].ok).toBe(true);
    expect(bp[0].hitCount).toBeGreaterThan(10);
    const history = s.object(page256).history;
    const stateSteps = history.filter((h) => h.type === 'state' && h.kind !== 'pageField').map((h) => h.step);
    let cursor = from;
    for (let k = 0; k < 3; k++) {
      const r = ok(s.service.handle({ type: 'step', id: nextId++, granularity: 'continue', direction: 'forward' }));
      expect(r.stoppedBy?.reason).toBe('breakpoint');
      const expected = stateSteps.find((st) => st > cursor);
      expect(r.state.step).toBe(expected);
      cursor = r.state.step;
    }
    // the first stop is the fsync in maquire tagging the page TOWRITE
    expect(history.find((h) => h.step > from && h.type === 'state')!.text).toBe('TOWRITE tag set on file 0 index 256');
    s.service.handle({ type: 'breakpoints', id: nextId++, breakpoints: [] });
  });

  it('a radix node: its header, tags and GPU pages, a history that starts with its allocation', () => {
    s.seek(s.bookmark('cpu-wrote'));
    const leafId = Number(s.field(s.object(page256, 0), 'radix leaf')!.match(/node (\d+)/)![1]);
    const o = s.object({ kind: 'radixNode', region: 0, node: leafId }, 50, 0);
    expect(o.title).toBe(`radix node ${leafId} (data.bin, leaf, indices 256–319)`);
    expect(s.field(o, 'count')).toBe('64');
    expect(s.field(o, 'count_gpu')).toBe('4');
    expect(s.field(o, 'CPU_DIRTY')).toBe('0–15 (16 slots)');
    expect(s.field(o, 'parent')).toMatch(/^node \d+, slot 4$/);
    expect(o.history.some((h) => h.kind === 'nodeAlloc' && /indices 256–319 allocated/.test(h.text))).toBe(true);
    expect(o.watchSpec).toMatch(new RegExp(`^\\* if obj == ${leafId} && kind in `));
  });
});

describe('objects of the UVM model', () => {
  it('a managed page: its residency per processor, a history of its own bits only, and a watch on its bit', () => {
    const s = loaded('default');
    s.seek(s.run.totalSteps - 1);
    const o = s.object({ kind: 'page', region: 0, page: 0 });
    expect(o.title).toBe('data page 0');
    expect(s.field(o, 'va_block')).toMatch(/^0, page 0 \(VA 0x/);
    expect(o.watchSpec).toBe('watch block 0 if page - page % 32 == 0 && ((before ^ after) & 1) != 0');
    expect(o.history[0].text).toBe('CPU atomic_strong fault on block 0 page 0');
    for (const h of o.history) {
      if (h.type !== 'state') continue;
      expect(h.fields.block).toBe(0);
      // page 0's bit is among those the write changed: the write's first changed page is in page 0's word
      expect(h.fields.page as number).toBeLessThan(32);
    }
    const p17 = s.object({ kind: 'page', region: 0, page: 17 });
    expect(p17.watchSpec).toBe(`watch block 0 if page - page % 32 == 0 && ((before ^ after) & ${2 ** 17}) != 0`);
    // the watch hits exactly the state entries of the history
    const r = ok(s.service.handle({ type: 'breakpoints', id: nextId++, breakpoints: [{ id: 1, spec: p17.watchSpec!, enabled: true }] }));
    expect(r.breakpoints![0].hitCount).toBe(p17.history.filter((h) => h.type === 'state').length);
  });

  it('a va_block: fields from the block view and watch block', () => {
    const s = loaded('default');
    s.seek(s.run.totalSteps - 1);
    const o = s.object({ kind: 'block', block: 0 }, 20, 0);
    expect(o.title).toBe('va_block 0 (data +0 MiB)');
    expect(s.field(o, 'pages')).toBe('512');
    expect(o.watchSpec).toBe('watch block 0');
    const r = ok(s.service.handle({ type: 'breakpoints', id: nextId++, breakpoints: [{ id: 1, spec: 'watch block 0', enabled: true }] }));
    const all = s.object({ kind: 'block', block: 0 }, 1000, 0);
    expect(all.historyTotal).toBeGreaterThan(r.breakpoints![0].hitCount);
    expect(all.history.filter((h) => h.type === 'state' && h.heap === 'blocks')).toHaveLength(r.breakpoints![0].hitCount);
    expect(all.history.some((h) => h.kind === 'copy')).toBe(true);
  });

  it('a root chunk in oversubscription: its PMM state and its eviction', () => {
    const s = loaded('oversubscription');
    s.seek(s.run.totalSteps - 1);
    // the first chunk that was ever evicted
    let chunk = -1;
    for (let c = 0; c < 64 && chunk < 0; c++) {
      const o = s.object({ kind: 'chunk', gpu: 1, chunk: c }, 1000, 0);
      if (o.history.some((h) => h.kind === 'evictChunk')) chunk = c;
    }
    expect(chunk).toBeGreaterThanOrEqual(0);
    const o = s.object({ kind: 'chunk', gpu: 1, chunk }, 1000, 0);
    expect(o.title).toBe(`gpu0 root chunk ${chunk}`);
    expect(s.field(o, 'type')).toBe('user');
    expect(o.history.every((h) => h.kind === 'evictChunk' || h.obj === chunk)).toBe(true);
    expect(o.watchSpec).toBe(`watch heap pmm.gpu1 if obj == ${chunk} && kind != 'pmmHeader'`);
  });

  it('a GPU page table: its level and aperture, a history of its own words and its allocation', () => {
    const s = loaded('oversubscription');
    s.seek(s.run.totalSteps - 1);
    const o = s.object({ kind: 'pageTable', gpu: 1, table: 0 }, 100, 0);
    expect(o.title).toBe('gpu0 page table 0 (PDE4)');
    expect(s.field(o, 'parent')).toBe('none (the root)');
    expect(o.history.map((h) => h.kind)).toContain('pageTableAlloc');
    expect(o.history.every((h) => h.obj === 0)).toBe(true);
  });

  it('a transition: its decoded fields, the history of the word it wrote, and why', () => {
    const s = loaded('default');
    s.seek(s.run.totalSteps - 1);
    const w = s.view<{ transitions: { index: number; type: string; heap: string }[] }>({ view: 'window', fromStep: 1200, toStep: 1400, limit: 5000 });
    const t = w.transitions.find((x) => x.type === 'state' && x.heap === 'blocks')!;
    const o = s.object({ kind: 'transition', transition: t.index }, 1000, 0);
    expect(o.title).toMatch(new RegExp(`^transition ${t.index}: `));
    expect(s.field(o, 'step')).toBe(String(o.history.find((h) => h.index === t.index)!.step));
    // every entry wrote the same word: consecutive entries chain before → after
    for (let i = 1; i < o.history.length; i++) expect(o.history[i].before).toBe(o.history[i - 1].after);
    expect(o.watchSpec).toMatch(/^watch heap blocks if obj == \d+ && kind == '/);
    const why = s.view<WhyResult>({ view: 'why', transition: t.index });
    expect(why.transition.index).toBe(t.index);
    expect(why.causes.length).toBeGreaterThan(1);
    expect(why.causes.some((c) => c.text.startsWith('in '))).toBe(true);
  });

  it('refuses objects that do not exist, saying why', () => {
    const s = loaded('default');
    const bad = (ref: ObjectRef) => {
      const r = s.service.handle({ type: 'view', id: nextId++, query: { view: 'object', ref, limit: 10 } });
      expect(r.type).toBe('error');
      return r.type === 'error' ? r.diagnostics[0].message : '';
    };
    expect(bad({ kind: 'block', block: 9999 })).toMatch(/block 9999 is outside/);
    expect(bad({ kind: 'page', region: 3, page: 0 })).toMatch(/region 3 is outside/);
    expect(bad({ kind: 'chunk', gpu: 5, chunk: 0 })).toMatch(/GPU 5 is not a GPU of this run/);
    expect(bad({ kind: 'transition', transition: -1 })).toMatch(/transition -1 is outside/);
  });
});
