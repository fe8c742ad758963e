/** The bench's results: one flat JSON object (for --json and for a smoke test), and the same as a text table. */
import { cpus, loadavg } from 'node:os';
import type { MaquireResult } from './maquire.js';
import type { MemoryResult } from './memory.js';
import type { ProfileResult } from './profile.js';
import type { SeekResult } from './seek.js';
import { MiB, round } from './stats.js';
import type { ThroughputResult } from './throughput.js';

export const TARGETS = {
  engine_events_per_s_min: 5_000_000,
  engine_vs_bare_loop_ratio_max: 200,
  seek_median_ms_max: 2,
  seek_p99_ms_max: 20,
  bytes_per_transition_max: 64,
} as const;

export type BenchReport = ReturnType<typeof buildReport>;

export function buildReport(quick: boolean, loadBefore: number, tp: ThroughputResult, seek: SeekResult, mem: MemoryResult, mq: MaquireResult) {
  const roundMap = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v, 1)]));
  const r = {
    quick,
    node: process.version,
    cpus: cpus().length,
    /** 1-minute load average before and after the bench: how busy the machine was (noise). */
    load_before: round(loadBefore, 2),
    load_after: round(loadavg()[0], 2),
    // 1. page events per second
    event_region_bytes: tp.regionBytes,
    page_events: tp.pageEvents,
    engine_runs: tp.engineMs.length,
    engine_ms_median: round(tp.engineMedianMs, 1),
    engine_ms_all: tp.engineMs.map((x) => round(x, 1)),
    engine_op_ms_median: roundMap(tp.opMedianMs),
    engine_events_per_s: Math.round(tp.engineEventsPerS),
    engine_cpu_ms_all: tp.engineCpuMs.map((x) => round(x, 1)),
    engine_events_per_cpu_s: Math.round(tp.engineEventsPerCpuS),
    bare_loop_runs: tp.bareMs.length,
    bare_loop_ms_median: round(tp.bareMedianMs, 3),
    bare_loop_events_per_s: Math.round(tp.bareEventsPerS),
    engine_vs_bare_loop_ratio: round(tp.ratio, 1),
    // 2. seek
    seek_region_bytes: seek.regionBytes,
    seek_run_ops: seek.ops,
    seek_run_steps: seek.steps,
    seek_run_transitions: seek.transitions,
    seek_run_build_ms: round(seek.buildMs, 0),
    seek_run_op_ms: roundMap(seek.opMs),
    seek_run_checkpoints: seek.memory.checkpoints,
    seek_run_state_bytes: seek.memory.stateBytes,
    seek_count: seek.seeks,
    seek_median_ms: round(seek.medianMs, 3),
    seek_p99_ms: round(seek.p99Ms, 3),
    seek_max_ms: round(seek.maxMs, 3),
    seek_mean_ms: round(seek.meanMs, 3),
    seek_consistent: seek.consistent,
    // 3. bytes per transition (the page-event run)
    steps: tp.memory.steps,
    transitions: tp.memory.transitions,
    run_memory_bytes: tp.memory.memoryBytes,
    bytes_per_transition: round(tp.memory.bytesPerTransition, 2),
    log_bytes_per_transition: round(tp.memory.logBytes / tp.memory.transitions, 2),
    checkpoint_bytes_per_transition: round(tp.memory.checkpointBytes / tp.memory.transitions, 2),
    step_bytes_per_transition: round(tp.memory.stepBytes / tp.memory.transitions, 2),
    checkpoints: tp.memory.checkpoints,
    state_bytes: tp.memory.stateBytes,
    // 4. peak memory (the page-event run, fresh child process); MB here are MiB (2^20 bytes)
    peak_rss_mb: round(mem.peakRssMb, 1),
    rss_before_run_mb: round(mem.rssBeforeRunMb, 1),
    rss_after_run_mb: round(mem.rssAfterRunMb, 1),
    heap_used_after_run_mb: round(mem.heapUsedAfterRunMb, 1),
    array_buffers_after_run_mb: round(mem.arrayBuffersAfterRunMb, 1),
    run_memory_mb: round(mem.runMemoryMb, 1),
    // 5. maquire over a file a quarter CPU-dirty: pages of the range per second of the gaia.maquire op alone
    maquire_file_bytes: mq.fileBytes,
    maquire_pages: mq.pages,
    maquire_runs: mq.runs,
    /** true when the warm-up run said the usual number of runs would take too long, so the median is of fewer. */
    maquire_runs_reduced: mq.runsReduced,
    maquire_ms_median: round(mq.maquireMedianMs, 1),
    maquire_ms_all: mq.maquireMs.map((x) => round(x, 1)),
    maquire_cpu_ms_all: mq.maquireCpuMs.map((x) => round(x, 1)),
    maquire_pages_per_s: Math.round(mq.pagesPerS),
    maquire_pages_per_cpu_s: Math.round(mq.pagesPerCpuS),
    maquire_dirty_pages: mq.dirtyPages,
    maquire_dirty_fraction: round(mq.dirtyPages / mq.pages, 4),
    maquire_dirty_pages_per_s: Math.round(mq.dirtyPagesPerS),
    maquire_gpu_pages_before: mq.gpuPagesBefore,
    maquire_gpu_pages_dropped: mq.gpuPagesDropped,
    maquire_dirty_without_gpu_page: mq.dirtyWithoutGpuPage,
    maquire_transitions: mq.transitions,
    maquire_steps: mq.steps,
    maquire_execute_ms_median: round(mq.executeMedianMs, 1),
    maquire_run_op_ms_median: roundMap(mq.opMedianMs),
    // targets
    targets: TARGETS,
    target_engine_events_per_s_ok: tp.engineEventsPerS >= TARGETS.engine_events_per_s_min,
    target_engine_vs_bare_loop_ratio_ok: tp.ratio <= TARGETS.engine_vs_bare_loop_ratio_max,
    target_seek_median_ok: seek.medianMs < TARGETS.seek_median_ms_max,
    target_seek_p99_ok: seek.p99Ms < TARGETS.seek_p99_ms_max,
    target_bytes_per_transition_ok: tp.memory.bytesPerTransition <= TARGETS.bytes_per_transition_max,
    all_targets_ok: false,
  };
  r.all_targets_ok =
    r.target_engine_events_per_s_ok &&
    r.target_engine_vs_bare_loop_ratio_ok &&
    r.target_seek_median_ok &&
    r.target_seek_p99_ok &&
    r.target_bytes_per_transition_ok;
  return r;
}

const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 3 });
const mark = (ok: boolean) => (ok ? 'ok  ' : 'MISS');
const size = (b: number) => (b >= 1024 * MiB ? `${b / (1024 * MiB)} GiB` : `${b / MiB} MiB`);

export function formatReport(r: BenchReport): string {
  const t = r.targets;
  const lines = [
    `UVMScope bench${r.quick ? ' (--quick: small sizes, not the real targets\' conditions)' : ''} — node ${r.node}, ${r.cpus} CPUs, load ${r.load_before} → ${r.load_after}; medians, ratios measured in this run`,
    '',
    `1. page events per second (${size(r.event_region_bytes)} region: cpu.write + gpu.kernel read, ${fmt(r.page_events)} page events)`,
    `   [${mark(r.target_engine_events_per_s_ok)}] engine      ${fmt(r.engine_events_per_s)} events/s  (median of ${r.engine_runs} execute() runs: ${fmt(r.engine_ms_median)} ms; all: ${r.engine_ms_all.join(', ')} ms)   target ≥ ${fmt(t.engine_events_per_s_min)}`,
    `          per CPU second ${fmt(r.engine_events_per_cpu_s)} events (process CPU time, GC threads included: ${r.engine_cpu_ms_all.join(', ')} ms)`,
    `          per op (median ms): ${Object.entries(r.engine_op_ms_median).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `          bare loop   ${fmt(r.bare_loop_events_per_s)} events/s  (median of ${r.bare_loop_runs} runs: ${fmt(r.bare_loop_ms_median)} ms)`,
    `   [${mark(r.target_engine_vs_bare_loop_ratio_ok)}] ratio       ${fmt(r.engine_vs_bare_loop_ratio)}× slower than the bare loop   target ≤ ${t.engine_vs_bare_loop_ratio_max}×`,
    '',
    `2. seek (${size(r.seek_region_bytes)} ping-pong run of ${r.seek_run_ops} ops: ${fmt(r.seek_run_steps)} steps, ${fmt(r.seek_run_transitions)} transitions, built in ${fmt(r.seek_run_build_ms)} ms; ${r.seek_run_checkpoints} checkpoints of ${fmt(r.seek_run_state_bytes)} B state)`,
    `   [${mark(r.target_seek_median_ok)}] median      ${fmt(r.seek_median_ms)} ms over ${r.seek_count} random seeks   target < ${t.seek_median_ms_max} ms`,
    `   [${mark(r.target_seek_p99_ok)}] p99         ${fmt(r.seek_p99_ms)} ms   (max ${fmt(r.seek_max_ms)} ms, mean ${fmt(r.seek_mean_ms)} ms)   target < ${t.seek_p99_ms_max} ms`,
    `          digests before/after seeking ${r.seek_consistent ? 'agree' : 'DIFFER'}`,
    '',
    `3. memory per recorded transition (page-event run: ${fmt(r.transitions)} transitions, ${fmt(r.steps)} steps)`,
    `   [${mark(r.target_bytes_per_transition_ok)}] bytes/transition ${fmt(r.bytes_per_transition)} (log ${r.log_bytes_per_transition} + checkpoints ${r.checkpoint_bytes_per_transition} [${r.checkpoints} of ${fmt(r.state_bytes)} B] + steps ${r.step_bytes_per_transition})   target ≤ ${t.bytes_per_transition_max}`,
    '',
    `4. peak memory (page-event run in a fresh process; MiB)`,
    `          peak RSS ${fmt(r.peak_rss_mb)} (process before execute(): ${fmt(r.rss_before_run_mb)}; after, GC'd: ${fmt(r.rss_after_run_mb)})`,
    `          heapUsed after run ${fmt(r.heap_used_after_run_mb)}, ArrayBuffers ${fmt(r.array_buffers_after_run_mb)}, run.memoryBytes() ${fmt(r.run_memory_mb)}`,
    '',
    `5. maquire (${size(r.maquire_file_bytes)} file, ${fmt(r.maquire_pages)} pages, ${fmt(r.maquire_dirty_pages)} CPU-dirty = ${fmt(100 * r.maquire_dirty_fraction)} %; the gaia.maquire op alone)`,
    `          maquire     ${fmt(r.maquire_pages_per_s)} pages/s  (median of ${r.maquire_runs} runs${r.maquire_runs_reduced ? ', fewer: one run is slow' : ''}: ${fmt(r.maquire_ms_median)} ms; all: ${r.maquire_ms_all.join(', ')} ms)   no target yet`,
    `          per CPU second ${fmt(r.maquire_pages_per_cpu_s)} pages (CPU: ${r.maquire_cpu_ms_all.join(', ')} ms); dirty pages ${fmt(r.maquire_dirty_pages_per_s)}/s`,
    `          GPU pages dropped ${fmt(r.maquire_gpu_pages_dropped)} of ${fmt(r.maquire_gpu_pages_before)} (dirty pages whose GPU page was already gone: ${fmt(r.maquire_dirty_without_gpu_page)}); ${fmt(r.maquire_transitions)} transitions, ${fmt(r.maquire_steps)} steps`,
    `          whole run ${fmt(r.maquire_execute_ms_median)} ms; per op (median ms): ${Object.entries(r.maquire_run_op_ms_median).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    '',
    `engine targets ${r.all_targets_ok ? 'met' : 'NOT met'}`,
  ];
  return lines.join('\n') + '\n';
}

export function formatProfile(p: ProfileResult): string {
  const row = (e: { fn: string; where: string; ms: number; percent: number }) =>
    `  ${e.percent.toFixed(1).padStart(5)}%  ${e.ms.toFixed(1).padStart(8)} ms  ${e.fn}  ${e.where}`;
  return [
    `profile of ${p.what}: ${p.executeMs.toFixed(0)} ms under the profiler, ${p.sampledMs.toFixed(0)} ms sampled`,
    '',
    'self time, by function:',
    ...p.topSelf.map(row),
    '',
    'total (inclusive) time, by function:',
    ...p.topTotal.map(row),
    '',
    'self time, by file:',
    ...p.topFilesSelf.map(row),
    '',
    `raw profile: ${p.file}`,
  ].join('\n') + '\n';
}
