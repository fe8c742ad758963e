/**
 * A plain-language account of one step from its transitions: pages that moved (copies,
 * with bytes, direction and cost), mappings made or revoked, faults raised, chunks evicted,
 * page-cache tags set or cleared. Generic over kinds: it reads the decoded fields the
 * engine gives every transition (bytes, src/dst names, pages…) and falls back to the
 * transition's own text.
 */
import type { StateView, TransitionInfo } from '../../../protocol';

/** The namespace's translate function, narrowed to what this module uses. */
export type T = (key: string, options?: Record<string, unknown>) => string;

export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 30 && bytes % (1 << 30) === 0) return `${bytes / (1 << 30)} GiB`;
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

export function formatNs(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${Math.round(ns)} ns`;
}

function copies(ts: readonly TransitionInfo[], t: T): string[] {
  const byRoute = new Map<string, { bytes: number; n: number }>();
  for (const tr of ts) {
    if (tr.kind !== 'copy') continue;
    const route = `${tr.fields.srcName ?? tr.fields.src} → ${tr.fields.dstName ?? tr.fields.dst}`;
    const e = byRoute.get(route) ?? { bytes: 0, n: 0 };
    e.bytes += Number(tr.fields.bytes ?? tr.after);
    e.n++;
    byRoute.set(route, e);
  }
  return [...byRoute].map(([route, e]) => t('copied', { count: e.n, bytes: formatBytes(e.bytes), route }));
}

export function explainStep(state: StateView, t: T): string[] {
  const ts = state.transitions;
  if (ts.length === 0) return [t('nothingChanged')];
  const lines = copies(ts, t);
  const counted = new Map<string, number>();
  for (const tr of ts) if (tr.kind !== 'copy') counted.set(tr.kind, (counted.get(tr.kind) ?? 0) + 1);
  // one line per kind: the first transition's text, and how many more of the kind there are
  for (const [kind, n] of counted) {
    const first = ts.find((tr) => tr.kind === kind)!;
    lines.push(n === 1 ? first.text : t('andMore', { text: first.text, count: n - 1 }));
  }
  if (state.transitionCount > ts.length) lines.push(t('truncated', { shown: ts.length, count: state.transitionCount }));
  return lines;
}
