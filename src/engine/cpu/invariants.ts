/**
 * Invariants of the CPU memory manager, each returning messages for the violations found (empty = holds):
 *
 *  MM1 page-table tables are referenced exactly once: a PGD by its mm alone, every other table by one directory
 *      entry of the level above in the same mm; a table's count is its non-zero entries; its frame is a PageTable
 *      page with one reference;
 *  MM2 every present PTE points to an allocated page whose _mapcount counts it, and whose _count covers its PTEs (plus
 *      the page cache's reference for a cached page); no page has map counts without PTEs; rss adds up;
 *  MM3 PTEs agree with their VMA: every non-none PTE lies inside a VMA; a writable PTE needs VM_WRITE; a file VMA maps
 *      its own file page at the right index or a private anonymous copy; a private VMA is writable only on anonymous
 *      pages; an anonymous VMA maps anonymous pages;
 *  MM4 the VMA list of each mm is sorted, page aligned and without overlap;
 *  MM5 dirty accounting: a writable PTE on a shared file page implies PG_dirty (write-notify keeps it so).
 */

import type { CpuMm } from './mm';
import { PG } from './memmap';
import { ENTRIES, LEVEL_PGD, LEVEL_PTE, T_COUNT, T_INDEX, T_LEVEL, T_MM, T_PARENT, T_PFN } from './pgtable';
import { ptePfn, ptePresent, pteWritable } from './pte';
import { M_PGD, M_RSS_ANON, M_RSS_FILE, V_MM, VM } from './vma';

const VA_LIMIT = 2 ** 48;

/** `scope` 'step' checks only the rules that hold after every step (MM1, MM3, MM4) and skips the work of the others. */
export function checkMm(m: CpuMm, limit = 50, scope: 'all' | 'step' = 'all'): string[] {
  const all = scope === 'all';
  const out: string[] = [];
  const say = (msg: string): void => {
    if (out.length < limit) out.push(msg);
  };
  const tb = m.tables;
  const vm = m.vmas;
  const mem = m.mem;

  // MM1
  const refs = new Map<number, number>();
  for (let t = 0; t < tb.count(); t++) {
    const level = tb.word(t, T_LEVEL);
    let used = 0;
    for (let i = 0; i < ENTRIES; i++) {
      const e = tb.entry(t, i);
      if (e === 0) continue;
      used++;
      if (level > LEVEL_PTE) refs.set(e - 1, (refs.get(e - 1) ?? 0) + 1);
    }
    if (tb.word(t, T_COUNT) !== used) say(`MM1 table ${t}: count ${tb.word(t, T_COUNT)} but ${used} entries used`);
    const pfn = tb.word(t, T_PFN);
    if (!mem.has(pfn, PG.table) || mem.count(pfn) !== 1) say(`MM1 table ${t}: frame ${pfn} is not a PageTable page with one reference`);
  }
  for (let mm = 0; mm < vm.mmCount(); mm++) {
    const pgd = vm.mmWord(mm, M_PGD) - 1;
    if (pgd >= 0) refs.set(pgd, (refs.get(pgd) ?? 0) + 1);
  }
  for (let t = 0; t < tb.count(); t++) {
    const n = refs.get(t) ?? 0;
    const parent = tb.word(t, T_PARENT) - 1;
    const mm = tb.word(t, T_MM) - 1;
    if (n !== 1) say(`MM1 table ${t}: referenced ${n} times`);
    if (parent < 0) {
      if (tb.word(t, T_LEVEL) !== LEVEL_PGD || vm.mmWord(mm, M_PGD) !== t + 1) say(`MM1 table ${t}: a root that is not its mm's PGD`);
    } else if (tb.entry(parent, tb.word(t, T_INDEX)) !== t + 1 || tb.word(parent, T_LEVEL) !== tb.word(t, T_LEVEL) + 1 || tb.word(parent, T_MM) !== mm + 1) {
      say(`MM1 table ${t}: its parent ${parent} does not hold it at entry ${tb.word(t, T_INDEX)} one level up in the same mm`);
    }
  }

  // MM2, MM3, MM5
  const maps = new Map<number, number>();
  for (let mm = 0; mm < vm.mmCount(); mm++) {
    const pgd = m.pgd(mm);
    if (pgd < 0) continue;
    let rssFile = 0;
    let rssAnon = 0;
    tb.forEachPte(pgd, 0, VA_LIMIT, (va, _t, _i, pte) => {
      const at = `mm ${mm} VA ${va.toString(16)}`;
      const v = vm.find(mm, va);
      if (v < 0) {
        say(`MM3 ${at}: a PTE outside every VMA`);
        return;
      }
      if (!ptePresent(pte)) return;
      const flags = vm.flags(v);
      if (pteWritable(pte) && !(flags & VM.write)) say(`MM3 ${at}: writable PTE in a VMA without VM_WRITE`);
      if (flags & VM.pfnmap) return;
      const pfn = ptePfn(pte);
      if (mem.isFree(pfn)) {
        say(`MM2 ${at}: PTE to free frame ${pfn}`);
        return;
      }
      if (all) maps.set(pfn, (maps.get(pfn) ?? 0) + 1);
      const anon = mem.has(pfn, PG.anon);
      if (anon) rssAnon++;
      else rssFile++;
      const file = vm.file(v);
      if (file < 0) {
        if (!anon) say(`MM3 ${at}: an anonymous VMA maps non-anonymous page ${pfn}`);
      } else if (!anon) {
        if (mem.mapping(pfn) !== file || mem.index(pfn) !== m.fileIndex(v, va)) say(`MM3 ${at}: maps page ${pfn} (file ${mem.mapping(pfn)} index ${mem.index(pfn)}), expected file ${file} index ${m.fileIndex(v, va)}`);
        if (pteWritable(pte) && !(flags & VM.shared)) say(`MM3 ${at}: a private VMA maps file page ${pfn} writable`);
        if (all && pteWritable(pte) && flags & VM.shared && !mem.has(pfn, PG.dirty)) say(`MM5 ${at}: writable PTE on clean file page ${pfn}`);
      }
    });
    if (all && (vm.mmWord(mm, M_RSS_FILE) !== rssFile || vm.mmWord(mm, M_RSS_ANON) !== rssAnon))
      say(`MM2 mm ${mm}: rss file/anon ${vm.mmWord(mm, M_RSS_FILE)}/${vm.mmWord(mm, M_RSS_ANON)} but PTEs say ${rssFile}/${rssAnon}`);
  }
  for (let pfn = 0; pfn < mem.highWater() && all; pfn++) {
    const n = maps.get(pfn) ?? 0;
    if (mem.mapcount(pfn) !== n) say(`MM2 page ${pfn}: mapcount ${mem.mapcount(pfn)} but ${n} PTEs map it`);
    const cached = mem.mapping(pfn) >= 0 ? 1 : 0;
    if (n > 0 && mem.count(pfn) < n + cached) say(`MM2 page ${pfn}: count ${mem.count(pfn)} < ${n} PTEs + ${cached} cache reference`);
  }

  // MM4
  for (let mm = 0; mm < vm.mmCount(); mm++) {
    let prevEnd = -1;
    for (const v of vm.vmasOf(mm)) {
      const a = vm.start(v);
      const b = vm.end(v);
      if (vm.word(v, V_MM) !== mm + 1) say(`MM4 vma ${v}: on mm ${mm}'s list but belongs to ${vm.word(v, V_MM) - 1}`);
      if (a % 4096 !== 0 || b % 4096 !== 0 || a >= b) say(`MM4 vma ${v}: bad range ${a.toString(16)}-${b.toString(16)}`);
      if (a < prevEnd) say(`MM4 vma ${v}: overlaps or is out of order`);
      prevEnd = b;
    }
  }
  return out;
}
