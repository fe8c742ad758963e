/** The tooltip over the radix canvas: one slot of one node, everything the tree knows about it. */
import { useTranslation } from 'react-i18next';
import type { RadixResult } from '../../../protocol';
import type { Hit } from './layout';

export function RadixTip({ hit, x, y, data }: { hit: Hit; x: number; y: number; data: RadixResult }) {
  const { t } = useTranslation('radix');
  const n = hit.box.node;
  const s = hit.slot ?? 0;
  const leaf = n.height === 0;
  const span = n.span / 64;
  const k = n.slots.indexOf(s);
  const value = k >= 0 ? n.slotValues[k] : -1;
  const tags = data.tagNames.filter((tag) => n.tags[tag]?.[s] === '1');
  const lines: string[] = [];
  lines.push(leaf ? t('tip.leafSlot', { index: n.base + s, slot: s, node: n.id }) : t('tip.innerSlot', { slot: s, node: n.id, from: n.base + s * span, to: n.base + (s + 1) * span - 1 }));
  lines.push(leaf ? (value >= 0 ? t('tip.pfn', { pfn: value }) : t('tip.noPage')) : value >= 0 ? t('tip.child', { child: value }) : t('tip.noChild'));
  lines.push(t('tip.tags', { tags: tags.length ? tags.join(' ') : t('none') }));
  if (leaf) {
    const g = Math.floor(s / 16);
    for (const gpu of data.gpus) {
      const pfn = n.gpuPfns[gpu]?.[g] ?? -1;
      lines.push(pfn >= 0 ? t('tip.gpuPage', { gpu, pfn, from: n.base + g * 16, to: n.base + g * 16 + 15 }) : t('tip.noGpuPage', { gpu }));
    }
    data.versionProcs.forEach((proc, p) => {
      const v = n.versions?.own[p]?.[s] ?? -1;
      const stale = n.versions?.stale[p]?.[s] === '1';
      lines.push(v >= 0 ? `${t('tip.version', { proc, v })}${stale ? ` (${t('tip.stale')})` : ''}` : t('tip.noVersion', { proc }));
    });
  }
  return (
    <div className="radix-tip" style={{ left: x + 14, top: y + 14 }} role="tooltip">
      {lines.map((l, i) => (
        <div key={i} className={i === 0 ? 'radix-tip-head' : undefined}>
          {l}
        </div>
      ))}
      <div className="dim">{leaf ? t('tip.click') : t('tip.clickNode')}</div>
    </div>
  );
}
