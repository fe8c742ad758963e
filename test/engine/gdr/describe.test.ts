import { describe, expect, it } from 'vitest';
import { describeGdrEvent, describeGdrWrite, GDR_DECODED_FIELDS } from '../../../src/engine/gdr';
import { kindName } from '../../../src/engine/core/kinds';
import { KiB, setup } from './setup';

describe('describing gdr transitions', () => {
  it('turns every transition of a run into fields listed in GDR_DECODED_FIELDS and a line of text', () => {
    const { gdr, store } = setup();
    const f = gdr.open(1);
    const buf = gdr.cudaMalloc(1, 64 * KiB);
    const m = gdr.pin(f, buf);
    gdr.map(m);
    gdr.copy(m, 0, 0, 4 * KiB);
    gdr.cudaFree(buf);
    gdr.copy(m, 1, 0, 64);
    const texts: string[] = [];
    for (let t = 0; t < store.length; t++) {
      const heap = store.heapOf(t);
      const d =
        heap === 0
          ? describeGdrEvent(store.kindOf(t), store.objOf(t), store.indexOf(t), store.beforeOf(t), store.afterOf(t))
          : describeGdrWrite(gdr.s, heap, store.indexOf(t), store.objOf(t), store.beforeOf(t), store.afterOf(t));
      if (heap !== 0 && heap < gdr.s.hHdr) continue; // the test clock's heap
      expect(d, `transition ${t}`).not.toBeNull();
      const known = GDR_DECODED_FIELDS[kindName(store.kindOf(t)) as keyof typeof GDR_DECODED_FIELDS];
      for (const f of Object.keys(d!.fields)) expect(known, `${kindName(store.kindOf(t))}.${f}`).toContain(f);
      texts.push(d!.text);
    }
    expect(texts).toContain('process 1 opens /dev/gdrdrv: file 0 on its private address_space 1');
    expect(texts).toContain('file 0 pins mr 0: 1 GPU pages of 64 KiB, handle 0 (mmap offset 0x0)');
    expect(texts).toContain('mr 0 cpu_mapping_type: wc → none');
    expect(texts).toContain('16 PTEs of VMA 0 zapped');
    expect(texts.some((x) => x.startsWith('gdr_copy_to_mapping of 4096 B through mr 0: 0.48 µs'))).toBe(true);
    expect(texts).toContain('copy_from_mapping refused for 0: SIGBUS: the PTEs of this mapping were zapped (unmap_mapping_range); the VMA has no fault handler');
    expect(describeGdrEvent(1, 0, 0, 0, 0)).toBeNull();
  });
});
