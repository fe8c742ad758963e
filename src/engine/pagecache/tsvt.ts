/**
 * GAIA's Time Stamp Version Table (research/gaia-hmm-gdr.md §1.5; mm/filemap.c helpers and lib/radix-tree.c
 * radix_tree_node_alloc of the GAIA patch): per 4 KiB slot of a leaf node, a matrix TSVT[viewer][owner] = "the
 * version of owner's copy as last seen by viewer"; row `viewer` is the version vector of viewer's copy, -1 = no copy.
 * Processors (columns and rows): the GPUs 0..gpus-1 (GPU_NVIDIA = 0), then the CPU, then the disk (SYS_PROCS order).
 *
 * Encoding: the f64 heap stores `version - initial`, where initial is 0 for the disk column and -1 elsewhere (GAIA's
 * radix_tree_node_alloc initialisation). A fresh node is therefore all zeros and costs no writes; `version()` decodes.
 *
 * Kinds: a version that grows is PK.pcTsvt (the invariant "versions only grow" checks exactly these transitions);
 * rows set from `latest`, rows reset on delete and node frees are PK.pcTsvtReset.
 */

import type { Radix } from './radix';
import { GPU_GROUP, MAP_SIZE } from './radix';
import { PK } from './kinds';

export class Tsvt {
  readonly cpu: number;
  readonly disk: number;
  readonly procs: number;

  constructor(private readonly r: Radix) {
    this.procs = r.procs;
    this.cpu = r.gpus;
    this.disk = r.gpus + 1;
  }

  private word(node: number, slot: number, viewer: number, owner: number): number {
    return node * this.r.tsvtWords + (slot * this.procs + viewer) * this.procs + owner;
  }
  private initial(owner: number): number {
    return owner === this.disk ? 0 : -1;
  }

  /** TSVT[slot][viewer][owner] of a leaf node. */
  version(node: number, slot: number, viewer: number, owner: number): number {
    const t = this.r.store.f64(this.r.hTsvt);
    const i = this.word(node, slot, viewer, owner);
    return (i < t.length ? t[i] : 0) + this.initial(owner);
  }
  setVersion(node: number, slot: number, viewer: number, owner: number, v: number, kind: number): void {
    this.r.store.write(this.r.hTsvt, this.word(node, slot, viewer, owner), v - this.initial(owner), kind, node);
  }

  /** The initial vector of a row (what a slot without a node reads as). */
  initialRow(): number[] {
    const row: number[] = [];
    for (let o = 0; o < this.procs; o++) row.push(this.initial(o));
    return row;
  }

  /** get_page_version_on: row `viewer` of the slot holding `index`. */
  row(file: number, index: number, viewer: number): number[] {
    const leaf = this.r.leafOf(file, index);
    if (leaf < 0) return this.initialRow();
    const out: number[] = [];
    for (let o = 0; o < this.procs; o++) out.push(this.version(leaf, index % MAP_SIZE, viewer, o));
    return out;
  }

  /** get_page_latest_version: the column-wise maximum over all rows (the newest known version of each owner). */
  latest(file: number, index: number): number[] {
    const leaf = this.r.leafOf(file, index);
    if (leaf < 0) return this.initialRow();
    return this.latestAt(leaf, index % MAP_SIZE);
  }
  latestAt(leaf: number, slot: number): number[] {
    const out: number[] = [];
    for (let o = 0; o < this.procs; o++) {
      let m = -Infinity;
      for (let v = 0; v < this.procs; v++) m = Math.max(m, this.version(leaf, slot, v, o));
      out.push(m);
    }
    return out;
  }

  /**
   * The staleness test of pagecache_get_page_ucm / filemap_map_pages: the first column where the viewer's row is older
   * than `latest`, or -1. Ignored: the CPU's own column when the viewer is the CPU, and `row = -1` against
   * `latest = 0` (a copy that never saw the disk's initial version is not stale).
   */
  staleColumn(file: number, index: number, viewer: number): number {
    const leaf = this.r.leafOf(file, index);
    if (leaf < 0) return -1;
    const slot = index % MAP_SIZE;
    const latest = this.latestAt(leaf, slot);
    for (let o = 0; o < this.procs; o++) {
      if (viewer === this.cpu && o === this.cpu) continue;
      const v = this.version(leaf, slot, viewer, o);
      if (v === -1 && latest[o] === 0) continue;
      if (v < latest[o]) return o;
    }
    return -1;
  }

  /**
   * get_best_src_for_page: a GPU whose copy (row[g][g] != -1) is at least as new as `latest` in every GPU column,
   * else the disk. Used by readahead and page_cache_read (peer caching).
   */
  bestSource(file: number, index: number): number {
    const leaf = this.r.leafOf(file, index);
    if (leaf < 0) return this.disk;
    const slot = index % MAP_SIZE;
    const latest = this.latestAt(leaf, slot);
    for (let g = 0; g < this.r.gpus; g++) {
      if (this.version(leaf, slot, g, g) === -1) continue;
      let ok = true;
      for (let c = 0; c < this.r.gpus && ok; c++) if (this.version(leaf, slot, g, c) < latest[c]) ok = false;
      if (ok) return g;
    }
    return this.disk;
  }

  /**
   * increase_page_version: TSVT[slot][proc][proc]++. For a GPU the whole 64 KiB group is one GPU page, so every slot
   * of the group is bumped once. Code quirk (GAIA mm/filemap.c): the loop there starts at `off` itself rather than at
   * the group's first index and bumps slot `off` twice; we model the intent.
   */
  increase(file: number, index: number, proc: number): void {
    const leaf = this.r.leafOf(file, index);
    if (leaf < 0) return;
    const slot = index % MAP_SIZE;
    const lo = proc < this.r.gpus ? slot - (slot % GPU_GROUP) : slot;
    const hi = proc < this.r.gpus ? lo + GPU_GROUP : slot + 1;
    for (let s = lo; s < hi; s++) this.setVersion(leaf, s, proc, proc, this.version(leaf, s, proc, proc) + 1, PK.pcTsvt);
  }

  /**
   * set_page_version_as_on: TSVT[slot][toSet][setAs] = TSVT[slot][setAs][setAs] ("toSet absorbed setAs's write").
   * GAIA assigns unconditionally; the model skips an assignment that would lower the version (it cannot happen when
   * versions are consistent, and skipping keeps "versions only grow" checkable on the log).
   */
  setAsOn(file: number, index: number, toSet: number, setAs: number): void {
    const leaf = this.r.leafOf(file, index);
    if (leaf < 0) return;
    const slot = index % MAP_SIZE;
    const v = this.version(leaf, slot, setAs, setAs);
    if (v > this.version(leaf, slot, toSet, setAs)) this.setVersion(leaf, slot, toSet, setAs, v, PK.pcTsvt);
  }

  /** Row `viewer` := latest, with column `own` := the disk column (a fresh copy read from disk). */
  initRowFromLatest(leaf: number, slot: number, viewer: number, own: number): void {
    const latest = this.latestAt(leaf, slot);
    latest[own] = latest[this.disk];
    for (let o = 0; o < this.procs; o++) this.setVersion(leaf, slot, viewer, o, latest[o], PK.pcTsvtReset);
  }

  /** Row `viewer` := -1 everywhere, except the disk column := `diskCol` (or -1 when null). */
  resetRow(leaf: number, slot: number, viewer: number, diskCol: number | null): void {
    for (let o = 0; o < this.procs; o++) {
      const v = o === this.disk && diskCol !== null ? diskCol : -1;
      this.setVersion(leaf, slot, viewer, o, v, PK.pcTsvtReset);
    }
  }
}
