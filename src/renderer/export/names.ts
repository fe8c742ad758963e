/** File names of exports, made from the scenario's file: `thrashing-memoryMap-step120.png`, `thrashing.trace.json`. */

/** A scenario's file name without its folder and extension, safe as part of a file name. */
export function scenarioStem(fileName: string, scenario = ''): string {
  const base = (fileName.split(/[\\/]/).pop() ?? '').replace(/\.(ya?ml|uvmsession|jsonl?)$/i, '');
  const stem = (base || scenario || 'uvmscope').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return stem || 'uvmscope';
}

export function viewFileName(stem: string, view: string, step: number, ext: 'png' | 'svg'): string {
  return `${stem}-${view}-step${step}.${ext}`;
}

export function traceFileName(stem: string): string {
  return `${stem}.trace.json`;
}

export function framesFileName(stem: string, view: string, from: number, to: number): string {
  return `${stem}-${view}-steps${from}-${to}.html`;
}

export function videoFileName(stem: string, view: string, from: number, to: number, ext: 'mp4' | 'webm'): string {
  return `${stem}-${view}-steps${from}-${to}.${ext}`;
}

/** How many frames: 1 to 60, and never past the run's last step. */
export function frameSteps(cursor: number, count: number, totalSteps: number): number[] {
  const n = Math.max(1, Math.min(60, Math.floor(count) || 1));
  const last = Math.max(0, totalSteps - 1);
  const from = Math.max(0, Math.min(cursor, last));
  const steps: number[] = [];
  for (let s = from; s <= last && steps.length < n; s++) steps.push(s);
  return steps;
}
