/**
 * Files, wherever the renderer runs: Electron's native dialogs through the preload, or the
 * browser's file APIs in the web build (a file input to open; a download to save). Files
 * are data: a scenario's text goes to the engine, which parses and validates it.
 */
import type { FileOpenResult } from '../protocol';

/** Larger files are refused before reading: no scenario is near this size. */
export const MAX_OPEN_BYTES = 8 * 1024 * 1024;

export class FileTooLarge extends Error {}

async function readBrowserFile(file: File): Promise<FileOpenResult> {
  if (file.size > MAX_OPEN_BYTES) throw new FileTooLarge(`${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; scenarios are at most ${MAX_OPEN_BYTES / 1048576} MiB`);
  return { path: file.name, name: file.name, text: await file.text() };
}

/** Ask the user for a scenario file; null when they cancel. */
export function openFile(): Promise<FileOpenResult | null> {
  if (window.uvmscope) return window.uvmscope.openFile();
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.yaml,.yml,.uvmsession,.json,.jsonl';
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (!file) resolve(null);
      else readBrowserFile(file).then(resolve, reject);
    });
    input.addEventListener('cancel', () => resolve(null));
    input.click();
  });
}

/** A file dropped on the window. */
export function fileFromDrop(event: DragEvent): Promise<FileOpenResult> | null {
  const file = event.dataTransfer?.files?.[0];
  return file ? readBrowserFile(file) : null;
}

/** What to save: a scenario, a session or an export. */
export interface SaveRequest {
  readonly name: string;
  readonly content: string | Uint8Array;
  /** The download's MIME type (the browser). */
  readonly mime: string;
  /** The save dialog's filter (Electron), e.g. `{ name: 'PNG image', extensions: ['png'] }`. */
  readonly filter: { readonly name: string; readonly extensions: readonly string[] };
  /** Save without asking to this path, one the user opened or saved before (Electron). */
  readonly path?: string;
}

/** Save: Electron writes atomically (temp file, then rename) where the user chooses; the browser downloads it. The name or path it went to, or null when cancelled. */
export async function saveDocument(req: SaveRequest): Promise<string | null> {
  if (window.uvmscope) {
    const r = await window.uvmscope.saveFile({ path: req.path, suggestedName: req.name, text: req.content, filter: req.filter });
    return r?.path ?? null;
  }
  const part: BlobPart = typeof req.content === 'string' ? req.content : new Uint8Array(req.content);
  const url = URL.createObjectURL(new Blob([part], { type: req.mime }));
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = req.name;
    a.click();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return req.name;
}

/** Save a scenario's text. */
export function saveFile(text: string, suggestedName: string, path?: string): Promise<string | null> {
  return saveDocument({ name: suggestedName, content: text, mime: 'application/yaml', filter: { name: 'UVMScope scenario', extensions: ['yaml', 'yml'] }, path });
}

/** Save a session's text. */
export function saveSessionFile(text: string, suggestedName: string): Promise<string | null> {
  return saveDocument({ name: suggestedName, content: text, mime: 'application/json', filter: { name: 'UVMScope session', extensions: ['uvmsession'] } });
}
