/**
 * The scenario's ops, the current one highlighted and kept in view, each a click away.
 * Virtualised: a generated scenario can have tens of thousands of ops, and only the rows
 * in view are in the DOM.
 */
import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import type { OpInfo } from '../../../protocol';
import { translateNote } from '../../i18n/narration';

export function OpList({ ops, current, onPick }: { ops: readonly OpInfo[]; current: number; onPick(step: number): void }) {
  const { t, i18n } = useTranslation('scenario');
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: ops.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 24,
    overscan: 12,
  });
  useEffect(() => {
    if (current >= 0) rows.scrollToIndex(current, { align: 'auto' });
  }, [current, rows]);

  return (
    <div ref={scroller} className="op-scroller">
      <ol className="op-list" aria-label={t('ops')} style={{ height: rows.getTotalSize() }}>
        {rows.getVirtualItems().map((row) => {
          const o = ops[row.index];
          return (
            <li
              key={o.index}
              data-index={row.index}
              ref={rows.measureElement}
              className={`op op-${o.op.replace('.', '-')}${o.index === current ? ' current' : ''}`}
              aria-current={o.index === current ? 'step' : undefined}
              style={{ transform: `translateY(${row.start}px)` }}
            >
              <button type="button" disabled={o.firstStep < 0} onClick={() => onPick(o.firstStep)} title={t('goToOp', { line: o.line })}>
                <span className="op-kind">{o.op}</span> <span className="op-label">{o.op === 'note' ? translateNote(o.label, i18n.language) : o.label}</span>
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
