/**
 * The pure parts of the breakpoint and counters panels, in Node (no browser): completion of specs against a real
 * run's vocabulary (from the engine service), and the number formats people read.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EngineService } from '../../src/hosts/service';
import type { BreakpointFieldsResult, RunInfo } from '../../src/protocol';
import { accept, complete, type Vocabulary } from '../../src/renderer/panels/breakpoints/completion';
import { formatBytes, formatCounter, formatNs, formatNsFine } from '../../src/renderer/panels/counters/format';

function vocabulary(): Vocabulary {
  const service = new EngineService();
  const r = service.handle({ type: 'load', id: 1, source: readFileSync(new URL('../../assets/scenarios/oversubscription.yaml', import.meta.url), 'utf8'), fileName: 'o.yaml' });
  const run = (r.type === 'ok' ? r.run : null) as RunInfo;
  const v = service.handle({ type: 'view', id: 2, query: { view: 'breakpointFields' } });
  return { kinds: ['*', ...run.kinds], functions: run.functions, fields: (v.type === 'ok' ? v.view : null) as BreakpointFieldsResult };
}

describe('breakpoint completion', () => {
  const vocab = vocabulary();
  const texts = (text: string, caret = text.length) => complete(text, caret, vocab).items.map((s) => s.text);

  it('offers kinds and keywords first, functions after `line`, labels after `fn:`', () => {
    expect(texts('evictC')).toEqual(['evictChunk']);
    expect(texts('li')).toContain('line');
    expect(texts('line evict_r')).toContain('evict_root_chunk');
    const labels = texts('line evict_root_chunk:');
    expect(labels.length).toBeGreaterThan(1);
    for (const l of labels) expect(l.startsWith('evict_root_chunk:')).toBe(true);
    expect(labels).toContain('evict_root_chunk:pick');
  });

  it('offers the fields of the kind in a condition, and nothing inside a string or a number', () => {
    expect(texts('copy if by')).toEqual(['bytes']);
    expect(texts('copy if bytes > 1 && sr')).toEqual(expect.arrayContaining(['src', 'srcName']));
    expect(texts('evictChunk if pa')).toEqual(['pages']);
    expect(texts('line evict_root_chunk if la')).toEqual(['label']);
    expect(texts('copy if srcName == "gp')).toEqual([]);
    expect(texts('copy if bytes > 64')).toEqual([]);
    expect(texts('copy ')).toEqual(['if']);
  });

  it('offers watch targets, block fields and heaps', () => {
    expect(texts('watch ')).toEqual(['block', 'heap']);
    expect(texts('watch block 3 res')).toContain('resident');
    expect(texts('watch heap pm')).toEqual(expect.arrayContaining(['pmm.gpu1']));
  });

  it('puts a suggestion in place of the word at the caret', () => {
    const c = complete('evictC', 6, vocab);
    expect(accept('evictC', c, c.items[0])).toEqual({ text: 'evictChunk ', caret: 11 });
    const mid = 'copy if by > 1';
    const c2 = complete(mid, 10, vocab);
    expect(accept(mid, c2, c2.items[0])).toEqual({ text: 'copy if bytes > 1', caret: 13 });
  });
});

describe('number formats', () => {
  it('writes bytes, times and counts for people', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(4096)).toBe('4 KiB');
    expect(formatBytes(1.5 * 2 ** 20)).toBe('1.50 MiB');
    expect(formatBytes(100 * 2 ** 30 + 2 ** 28)).toBe('100 GiB');
    expect(formatNs(850)).toBe('850 ns');
    expect(formatNs(3200)).toBe('3.20 µs');
    expect(formatNs(999_999)).toBe('1000 µs');
    expect(formatNs(12_500_000)).toBe('12.5 ms');
    expect(formatNs(1_234_000_000)).toBe('1.234 s');
    expect(formatNsFine(11_004_200, 100)).toBe('11.0042 ms');
    expect(formatNsFine(11_000_000, 1e6)).toBe('11.0 ms');
    expect(formatCounter('htod_bytes', 16 * 2 ** 20)).toBe('16 MiB');
    expect(formatCounter('gpu_faults', 1234567)).toBe('1,234,567');
  });
});
