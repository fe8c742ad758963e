/**
 * Saving an export: the one save path of the app (files.ts saveDocument), with the export's own type, MIME type and
 * dialog filter.
 */
import { saveDocument, type SaveRequest } from '../files';

export type ExportFile = Omit<SaveRequest, 'path'>;

/** Save one export; the name or path it went to, or null when the user cancelled. */
export function saveExport(file: ExportFile): Promise<string | null> {
  return saveDocument(file);
}
