/** File → Export's pure helpers: file names from the scenario's file, the frames' steps, the slideshow's HTML. */
import { describe, expect, it } from 'vitest';
import { framesFileName, frameSteps, scenarioStem, traceFileName, viewFileName } from '../../src/renderer/export/names';
import { escapeHtml, slideshowHtml } from '../../src/renderer/export/slideshow';
import { parseFont } from '../../src/renderer/export/font';

describe('export file names', () => {
  it('takes the stem of the scenario file, without folder or extension, safe in a file name', () => {
    expect(scenarioStem('thrashing.yaml')).toBe('thrashing');
    expect(scenarioStem('/home/me/runs/My Run (2).yml')).toBe('My-Run-2');
    expect(scenarioStem('C:\\x\\tour.uvmsession')).toBe('tour');
    expect(scenarioStem('', 'gaia maquire')).toBe('gaia-maquire');
    expect(scenarioStem('', '')).toBe('uvmscope');
    expect(scenarioStem('???.yaml')).toBe('uvmscope');
  });
  it('names each export', () => {
    expect(viewFileName('default', 'memoryMap', 12, 'png')).toBe('default-memoryMap-step12.png');
    expect(viewFileName('default', 'timeline', 0, 'svg')).toBe('default-timeline-step0.svg');
    expect(traceFileName('thrashing')).toBe('thrashing.trace.json');
    expect(framesFileName('default', 'pmm', 3, 12)).toBe('default-pmm-steps3-12.html');
  });
});

describe('frameSteps', () => {
  it('counts from the cursor, 1 to 60 frames, never past the last step', () => {
    expect(frameSteps(5, 3, 100)).toEqual([5, 6, 7]);
    expect(frameSteps(98, 10, 100)).toEqual([98, 99]);
    expect(frameSteps(0, 0, 100)).toEqual([0]);
    expect(frameSteps(0, 500, 1000)).toHaveLength(60);
    expect(frameSteps(7, 2.9, 100)).toEqual([7, 8]);
    expect(frameSteps(200, 2, 100)).toEqual([99]);
  });
});

describe('slideshowHtml', () => {
  const png = 'data:image/png;base64,iVBORw0KGgo=';
  it('holds one figure per frame, the first shown, with captions and the keys', () => {
    const html = slideshowHtml({
      title: 'default: Memory map, steps 3 to 5',
      help: '← → to step',
      footer: 'Made with UVMScope 1.0',
      frames: [3, 4, 5].map((step) => ({ step, caption: `Step ${step}`, png })),
    });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect([...html.matchAll(/<figure data-step="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([3, 4, 5]);
    expect(html.match(/<figure[^>]*class="on"/g)).toHaveLength(1);
    expect(html).toContain(`<img src="${png}" alt="Step 4">`);
    expect(html).toContain('<title>default: Memory map, steps 3 to 5</title>');
    expect(html).toContain('1 / 3');
    expect(html).toContain('ArrowRight');
  });
  it('escapes what it is given', () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const html = slideshowHtml({ title: '<script>alert(1)</script>', help: '', footer: '', frames: [{ step: 0, caption: '"><b>', png }] });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('alt="&quot;&gt;&lt;b&gt;"');
  });
});

describe('parseFont', () => {
  it('reads the font strings the panels set', () => {
    expect(parseFont('600 13px system-ui, sans-serif')).toEqual({ style: 'normal', weight: '600', size: '13px', family: 'system-ui, sans-serif' });
    expect(parseFont('11px "JetBrains Mono", monospace')).toEqual({ style: 'normal', weight: 'normal', size: '11px', family: '"JetBrains Mono", monospace' });
    expect(parseFont('italic bold 9.5px serif')).toEqual({ style: 'italic', weight: 'bold', size: '9.5px', family: 'serif' });
    expect(parseFont('nonsense')).toEqual({ style: 'normal', weight: 'normal', size: '10px', family: 'sans-serif' });
  });
});
