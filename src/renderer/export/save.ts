/**
 * Saving an export: Electron asks where and writes it atomically (the bridge takes text or bytes); the browser
 * downloads it. Kept apart from files.ts, whose filters and MIME types are the scenario's and the session's.
 */
export interface ExportFile {
  readonly name: string;
  readonly content: string | Uint8Array;
  readonly mime: string;
  /** The save dialog's filter, e.g. `{ name: 'PNG image', extensions: ['png'] }`. */
  readonly filter: { readonly name: string; readonly extensions: readonly string[] };
}

/** Save one export; the name or path it went to, or null when the user cancelled. */
export async function saveExport(file: ExportFile): Promise<string | null> {
  if (window.uvmscope) {
    const r = await window.uvmscope.saveFile({ suggestedName: file.name, text: file.content, filter: file.filter });
    return r?.path ?? null;
  }
  const part: BlobPart = typeof file.content === 'string' ? file.content : new Uint8Array(file.content);
  const url = URL.createObjectURL(new Blob([part], { type: file.mime }));
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = file.name;
    a.click();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return file.name;
}
