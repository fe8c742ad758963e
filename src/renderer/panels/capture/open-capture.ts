/**
 * Opening a real capture (tools/uvm-capture's `.jsonl`): the renderer only reads the header line for the scenario the
 * capture names, and sends the host that scenario's text — the user's loaded scenario when it is that one (by file
 * name or by its `name:`), else the built-in of that file name. The host parses and checks both (errors come back
 * located, as a scenario's do). Once loaded, the capture panel is brought forward.
 */
import { useDebugger } from '../../state/store';
import { BUILTIN_SCENARIOS } from '../../scenarios';

/** A capture by its extension, or by its first line's `"format":"uvm-capture"`. */
export function isCapture(file: { name: string; text: string }): boolean {
  if (/\.jsonl$/i.test(file.name)) return true;
  const nl = file.text.indexOf('\n');
  const first = file.text.slice(0, nl < 0 ? Math.min(file.text.length, 65536) : Math.min(nl, 65536));
  return /"format"\s*:\s*"uvm-capture"/.test(first);
}

/** The header's `source` (scenario file) and `scenario` (its name), when the first line is a readable header. */
export function captureNames(text: string): { source: string; scenario: string } | null {
  const nl = text.indexOf('\n');
  try {
    const header: unknown = JSON.parse(nl < 0 ? text : text.slice(0, nl));
    if (!header || typeof header !== 'object') return null;
    const h = header as { source?: unknown; scenario?: unknown };
    return { source: typeof h.source === 'string' ? h.source : '', scenario: typeof h.scenario === 'string' ? h.scenario : '' };
  } catch {
    return null;
  }
}

/** The scenario to run beside the capture: the loaded one when it is the capture's, else the built-in it names. */
export function scenarioFor(names: { source: string; scenario: string } | null): { text: string; name: string } {
  if (!names) return { text: '', name: '' };
  const { run, source, fileName } = useDebugger.getState();
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const builtin = BUILTIN_SCENARIOS.find((b) => b.file === names.source);
  if (run && source && (base === names.source || run.scenario === names.scenario) && source !== builtin?.source) return { text: source, name: fileName };
  return builtin ? { text: builtin.source, name: builtin.file } : { text: '', name: names.source };
}

/** Load a capture beside its scenario; on success show the capture panel. */
export async function openCapture(file: { name: string; text: string }): Promise<boolean> {
  const scenario = scenarioFor(captureNames(file.text));
  const ok = await useDebugger.getState().loadCapture(file.text, file.name, scenario.text, scenario.name);
  if (ok) window.dispatchEvent(new CustomEvent('uvmscope:show-panel', { detail: 'capture' }));
  return ok;
}
