/**
 * The memory map's hover card: the page (or the cell of pages) under the pointer — region, offset, addresses, its
 * va_block — and what each processor has of it: residency, mapping, the GPU's PTE, the page cache.
 */
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CACHE_CHANGED,
  CACHE_CPU_DIRTY,
  CACHE_DIRTY,
  CACHE_ON_GPU,
  CACHE_PRESENT,
  CACHE_PTE,
  CACHE_PTE_WRITE,
  CACHE_WRITEBACK,
  PAGE_CHANGED,
  PAGE_EVICTED,
  PAGE_MAPPED_ATOMIC,
  PAGE_MAPPED_READ,
  PAGE_MAPPED_WRITE,
  PAGE_READ_DUPLICATED,
  PAGE_RESIDENT,
  PTE_2M,
  PTE_64K,
  PTE_APERTURE,
  PTE_CHANGED,
  PTE_SIZE,
  PTE_SYS,
  PTE_VID,
  type MemoryMapResult,
} from '../../../protocol';
import { lanesFor } from './lanes';
import { PAGES_PER_BLOCK, type Hit } from './layout';
import { formatBytes, formatVa } from './format';

const PAGE = 4096;

/** `extra`: more lines at the end (predict mode's marks on these pages). */
export function PageTip({ hit, x, y, data, procName, extra }: { hit: Hit; x: number; y: number; data: MemoryMapResult; procName: (p: number) => string; extra?: ReactNode }) {
  const { t } = useTranslation('memory');
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: x + 14, top: y + 14 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const w = el.offsetWidth;
    const h = el.offsetHeight;
    setPos({ left: x + 14 + w > window.innerWidth ? Math.max(0, x - w - 10) : x + 14, top: y + 14 + h > window.innerHeight ? Math.max(0, y - h - 10) : y + 14 });
  }, [x, y, hit.page, hit.pages]);
  const region = data.regions[hit.r];
  if (!region) return null;
  const procs = data.processors;
  const single = hit.pages === 1 && hit.cell >= 0;
  const body = single ? onePage(hit.page) : manyPages(hit.page, hit.pages);
  return (
    <div className="mm-tip" ref={ref} style={{ left: pos.left, top: pos.top }} role="tooltip" data-testid="mm-tip">
      {body}
      {extra}
    </div>
  );

  function where(page: number) {
    const inBlock = region.firstBlock >= 0;
    return (
      <div className="mm-tip-where">
        <span>{t('tip.offset', { offset: formatBytes(page * PAGE) })}</span>
        <span>{t('tip.va', { va: formatVa(region.va + page * PAGE) })}</span>
        {region.cpuVa >= 0 && region.cpuVa !== region.va && <span>{t('tip.cpuVa', { va: formatVa(region.cpuVa + page * PAGE) })}</span>}
        {inBlock && <span>{t('tip.block', { block: region.firstBlock + Math.floor(page / PAGES_PER_BLOCK), page: page % PAGES_PER_BLOCK })}</span>}
      </div>
    );
  }

  function onePage(page: number) {
    const rows = [];
    let changed = false;
    for (let p = 0; p < procs; p++) {
      const s = region.state[page * procs + p];
      const pte = region.pte ? region.pte[page * procs + p] : 0;
      if (s & PAGE_CHANGED || pte & PTE_CHANGED) changed = true;
      const prot = s & PAGE_MAPPED_ATOMIC ? t('legend.atomic') : s & PAGE_MAPPED_WRITE ? t('legend.write') : s & PAGE_MAPPED_READ ? t('legend.read') : null;
      const parts = [s & PAGE_RESIDENT ? t('tip.resident') : s & PAGE_EVICTED ? t('tip.evicted') : t('tip.notResident'), prot ? t('tip.mapped', { prot }) : t('tip.unmapped')];
      if (s & PAGE_READ_DUPLICATED) parts.push(t('tip.readDup'));
      if (p > 0 && pte & PTE_APERTURE) {
        const size = (pte & PTE_SIZE) === PTE_2M ? '2M' : (pte & PTE_SIZE) === PTE_64K ? '64K' : '4K';
        const ap = (pte & PTE_APERTURE) === PTE_VID ? 'VID' : (pte & PTE_APERTURE) === PTE_SYS ? 'SYS' : 'PEER';
        parts.push(t('tip.pte', { size, aperture: ap }));
      }
      rows.push(
        <tr key={p} className={s & PAGE_CHANGED || pte & PTE_CHANGED ? 'changed' : undefined}>
          <th>{procName(p)}</th>
          <td>{parts.join(' · ')}</td>
        </tr>,
      );
    }
    const c = region.cache ? region.cache[page] : -1;
    if (c >= 0 && c & CACHE_CHANGED) changed = true;
    const flags = c > 0 ? [c & CACHE_PRESENT ? t('legend.cached') : '', c & CACHE_DIRTY ? 'DIRTY' : '', c & CACHE_WRITEBACK ? 'WRITEBACK' : '', c & CACHE_CPU_DIRTY ? 'CPU_DIRTY' : '', c & CACHE_ON_GPU ? 'ON_GPU' : ''].filter(Boolean) : [];
    return (
      <>
        <div className="mm-tip-title">{t('tip.page', { region: region.name, page })}</div>
        {where(page)}
        <table>
          <tbody>{rows}</tbody>
        </table>
        {c >= 0 && (
          <div className={c & CACHE_CHANGED ? 'changed' : undefined}>
            {flags.length ? t('tip.cache', { flags: flags.join(' ') }) : t('tip.notCached')}
            {c & CACHE_PTE ? ` · ${t('tip.processPte', { prot: c & CACHE_PTE_WRITE ? t('legend.write') : t('legend.read') })}` : ''}
          </div>
        )}
        {changed && <div className="mm-tip-changed">{t('tip.changed')}</div>}
      </>
    );
  }

  function manyPages(first: number, count: number) {
    // pages of each lane with something to show, over the cell
    const lanes = lanesFor(region.kind, procs);
    const bytes = { state: region.state, pte: region.pte, cache: region.cache, at: 0, cacheAt: 0 };
    const counts = lanes.map(() => 0);
    for (let i = first; i < first + count; i++) {
      bytes.at = i * procs;
      bytes.cacheAt = i;
      lanes.forEach((l, k) => {
        if (l.level(bytes)) counts[k]++;
      });
    }
    return (
      <>
        <div className="mm-tip-title">{t('tip.pages', { region: region.name, first, last: first + count - 1, count })}</div>
        {where(first)}
        <ul>
          {lanes.map((l, k) => (
            <li key={k}>{t('tip.count', { lane: t(`lane.${l.kind}`, { gpu: procName(l.proc) }), count: counts[k], total: count })}</li>
          ))}
        </ul>
      </>
    );
  }
}
