/**
 * What the cursor's step did to the radix tree, in words: one phrase per change of a node (a tag set or cleared on
 * some slots, a page in or out, a GPU page added or dropped, versions changed), leaves before the nodes above them so
 * that a tag climbing the tree reads bottom-up, as radix_tree_tag_clear walks.
 */
import type { RadixNodeInfo, RadixResult } from '../../../protocol';

export type T = (key: string, options?: Record<string, unknown>) => string;

const ones = (bits: string | undefined) => {
  const out: number[] = [];
  if (bits) for (let k = 0; k < bits.length; k++) if (bits.charCodeAt(k) === 49) out.push(k);
  return out;
};

function where(t: T, n: RadixNodeInfo, slots: readonly number[]): string {
  const span = n.span / 64;
  if (slots.length === 1) {
    const s = slots[0];
    return n.height === 0
      ? t('step.whereLeafSlot', { index: n.base + s, node: n.id })
      : t('step.whereInnerSlot', { slot: s, node: n.id, from: n.base + s * span, to: n.base + (s + 1) * span - 1 });
  }
  return n.height === 0 ? t('step.whereLeaf', { node: n.id, from: n.base, to: n.base + n.span - 1 }) : t('step.whereInner', { node: n.id });
}

export function stepPhrases(t: T, data: RadixResult): string[] {
  const out: string[] = [];
  const changed = data.nodes.filter((n) => n.changed).sort((a, b) => a.height - b.height || a.base - b.base);
  for (const n of changed) {
    const c = n.changed!;
    const before = out.length;
    if (c.allocated) out.push(t('step.allocated', { where: where(t, n, []) }));
    for (const tag of data.tagNames) {
      const slots = ones(c.tags[tag]);
      if (!slots.length) continue;
      const set = slots.filter((s) => n.tags[tag]?.[s] === '1');
      const cleared = slots.filter((s) => n.tags[tag]?.[s] !== '1');
      if (set.length) out.push(t('step.tagSet', { tag, count: set.length, where: where(t, n, set) }));
      if (cleared.length) out.push(t('step.tagCleared', { tag, count: cleared.length, where: where(t, n, cleared) }));
    }
    if (c.slots.length) {
      const filled = c.slots.filter((s) => n.slots.includes(s));
      const emptied = c.slots.filter((s) => !n.slots.includes(s));
      if (n.height === 0) {
        if (filled.length) out.push(t('step.pageIn', { count: filled.length, where: where(t, n, filled) }));
        if (emptied.length) out.push(t('step.pageOut', { count: emptied.length, where: where(t, n, emptied) }));
      } else {
        if (filled.length) out.push(t('step.childIn', { where: where(t, n, filled) }));
        if (emptied.length) out.push(t('step.childOut', { where: where(t, n, emptied) }));
      }
    }
    for (const [gpu, gs] of Object.entries(c.gpuSlots)) {
      for (const g of gs) {
        const present = (n.gpuSlots[gpu] ?? []).includes(g);
        const slots = Array.from({ length: 16 }, (_, k) => g * 16 + k);
        const w = n.height === 0 ? t('step.whereLeaf', { node: n.id, from: n.base + slots[0], to: n.base + slots[15] }) : where(t, n, []);
        out.push(t(present ? 'step.gpuIn' : 'step.gpuOut', { gpu, where: w }));
      }
    }
    if (c.versions.length) out.push(t('step.versions', { count: c.versions.length, where: where(t, n, c.versions) }));
    if (c.header && out.length === before) out.push(t('step.header', { where: where(t, n, []) }));
  }
  for (const f of data.freed) out.push(t('step.freed', { id: f.id }));
  return out;
}
