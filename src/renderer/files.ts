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

/** Save text: Electron writes atomically where the user chooses; the browser downloads it. */
export async function saveFile(text: string, suggestedName: string, path?: string): Promise<string | null> {
  if (window.uvmscope) {
    const r = await window.uvmscope.saveFile({ path, suggestedName, text, filter: { name: 'UVMScope scenario', extensions: ['yaml', 'yml'] } });
    return r?.path ?? null;
  }
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = suggestedName;
    a.click();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return suggestedName;
}

/** Save a session's text: Electron asks where and writes it atomically (temp file, then rename); the browser downloads it. */
export async function saveSessionFile(text: string, suggestedName: string): Promise<string | null> {
  if (window.uvmscope) {
    const r = await window.uvmscope.saveFile({ suggestedName, text, filter: { name: 'UVMScope session', extensions: ['uvmsession'] } });
    return r?.path ?? null;
  }
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = suggestedName;
    a.click();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return suggestedName;
}
