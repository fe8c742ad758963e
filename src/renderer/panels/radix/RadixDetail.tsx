/**
 * One radix node up close, under the tree: the same rows as its box on the canvas at a readable size, as DOM so that
 * every slot is a button (a page at a leaf, a child node above) a keyboard or a screen reader can reach. The node is
 * the selected one (or the leaf of the selected page), else the one the cursor's step changed.
 */
import { useTranslation } from 'react-i18next';
import type { RadixNodeInfo, RadixResult } from '../../../protocol';
import { CHILD_COLOUR, GPU_COLOUR, PAGE_COLOUR, TAG_COLOURS, versionColour } from './draw';
import { rowsOf, SLOTS, type Row } from './layout';

interface Props {
  data: RadixResult;
  node: RadixNodeInfo | null;
  step: number | null;
  /** Why this node is shown. */
  why: 'selected' | 'changed' | null;
  selectedPage: number | null;
  onSelectPage(page: number): void;
  onSelectNode(node: RadixNodeInfo): void;
}

const SLOT_INDICES = Array.from({ length: SLOTS }, (_, s) => s);

export function RadixDetail({ data, node, step, why, selectedPage, onSelectPage, onSelectNode }: Props) {
  const { t } = useTranslation('radix');
  if (!node) return <div className="radix-detail radix-detail-empty">{t('detail.hint')}</div>;
  const leaf = node.height === 0;
  const { rows } = rowsOf(data, leaf);
  const label = (row: Row) => (row.kind === 'tag' ? row.name : row.kind === 'slots' ? t(`row.${row.name}`) : row.kind === 'gpu' ? t('row.gpu', { gpu: row.name }) : t('row.version', { proc: row.name }));
  const childOf = (s: number) => {
    const k = node.slots.indexOf(s);
    return k >= 0 ? node.slotValues[k] : -1;
  };
  const changedAt = (bits: string | undefined, s: number) => bits?.[s] === '1';
  const span = node.span / SLOTS;
  return (
    <section className="radix-detail" data-testid="radix-detail" data-node={node.id} aria-label={t('detail.title', { id: node.id })}>
      <div className="rd-head">
        <b>{t(leaf ? 'header.leaf' : 'header.inner', { id: node.id, height: node.height, from: node.base, to: node.base + node.span - 1 })}</b>
        <span className="dim">
          {t(leaf ? 'headerRight.leaf' : 'headerRight.inner', {
            count: node.count,
            gpu: leaf ? Object.values(node.gpuSlots).reduce((a, g) => a + g.length, 0) : node.gpuCount,
          })}
        </span>
        <span className="dim">{why === 'selected' ? t('detail.selectedHint') : why === 'changed' ? t('detail.changedHint') : ''}</span>
        <button type="button" onClick={() => onSelectNode(node)} data-testid="radix-inspect-node">
          {t('detail.inspect')}
        </button>
      </div>
      <div className="rd-grid" key={`${node.id}:${step ?? ''}`}>
        {rows.map((row) => (
          <div className={`rd-row rd-${row.kind}`} key={`${row.kind}:${row.name}`} role="group" aria-label={label(row)}>
            <span className="rd-label">{label(row)}</span>
            {row.kind === 'tag' &&
              SLOT_INDICES.map((s) => {
                const on = node.tags[row.name]?.[s] === '1';
                const ch = changedAt(node.changed?.tags[row.name], s);
                return <span key={s} className={`rd-cell${ch ? ' ch' : ''}${ch && !on ? ' gone' : ''}`} style={on ? { background: TAG_COLOURS[row.name] } : ch ? { color: TAG_COLOURS[row.name] } : undefined} />;
              })}
            {row.kind === 'slots' &&
              SLOT_INDICES.map((s) => {
                const v = childOf(s);
                const ch = node.changed?.slots.includes(s) ?? false;
                const index = node.base + s * span;
                const state = v < 0 ? t('detail.empty') : leaf ? t('detail.cached', { pfn: v }) : t('detail.childNode', { child: v });
                const text = leaf ? t('detail.slotLabel', { index, state }) : t('detail.childLabel', { slot: s, state });
                const sel = leaf && selectedPage === index;
                return (
                  <button
                    key={s}
                    type="button"
                    className={`rd-cell rd-slot${ch ? ' ch' : ''}${sel ? ' sel' : ''}`}
                    style={v >= 0 ? { background: leaf ? PAGE_COLOUR : CHILD_COLOUR } : undefined}
                    aria-label={text}
                    title={text}
                    data-index={leaf ? index : undefined}
                    aria-pressed={leaf ? sel : undefined}
                    onClick={() => {
                      if (leaf) onSelectPage(index);
                      else if (v >= 0) {
                        const child = data.nodes.find((n) => n.id === v);
                        if (child) onSelectNode(child);
                      }
                    }}
                  />
                );
              })}
            {row.kind === 'gpu' &&
              [0, 1, 2, 3].map((g) => {
                const on = (node.gpuSlots[row.name] ?? []).includes(g);
                const ch = (node.changed?.gpuSlots[row.name] ?? []).includes(g);
                const pfn = node.gpuPfns[row.name]?.[g] ?? -1;
                const text = pfn >= 0 ? t('tip.gpuPage', { gpu: row.name, pfn, from: node.base + g * 16, to: node.base + g * 16 + 15 }) : t('tip.noGpuPage', { gpu: row.name });
                return <span key={g} className={`rd-cell rd-gpu-slot${ch ? ' ch' : ''}${ch && !on ? ' gone' : ''}`} style={on ? { background: GPU_COLOUR } : ch ? { color: GPU_COLOUR } : undefined} title={text} />;
              })}
            {row.kind === 'version' &&
              SLOT_INDICES.map((s) => {
                const v = node.versions?.own[row.index]?.[s] ?? -1;
                const stale = node.versions?.stale[row.index]?.[s] === '1';
                const ch = node.changed?.versions.includes(s) ?? false;
                const colour = versionColour(v);
                return (
                  <span key={s} className={`rd-cell rd-ver${stale ? ' stale' : ''}${ch ? ' ch' : ''}${v >= 1 ? ' hi' : ''}`} style={colour ? { background: colour } : undefined}>
                    {v >= 0 ? v : ''}
                  </span>
                );
              })}
          </div>
        ))}
        <div className="rd-row rd-scale" aria-hidden="true">
          <span className="rd-label" />
          {SLOT_INDICES.map((s) => (
            <span key={s} className="rd-tick">
              {s % 16 === 0 ? node.base + s * span : ''}
            </span>
          ))}
        </div>
      </div>
    </section>
  );
}
