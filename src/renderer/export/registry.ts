/**
 * The views File → Export can export: each canvas panel registers itself while it is mounted (its canvas as shown,
 * and where it can, a way to draw the same picture into any Canvas 2D context, which svgcanvas turns into SVG).
 */
/** The view is not on screen (its panel is hidden or was closed). */
export class NoCanvas extends Error {}

export type ExportPanelId = 'memoryMap' | 'timeline' | 'pmm' | 'pageTree' | 'radix';

/** The order the dialog lists them in. */
export const EXPORT_PANELS: readonly ExportPanelId[] = ['memoryMap', 'timeline', 'pmm', 'pageTree', 'radix'];

export interface Exportable {
  /** The canvas as shown (its bitmap, at the device pixel ratio, is the PNG); null when there is none. */
  canvas(): HTMLCanvasElement | null;
  /** The picture's size in CSS pixels. */
  size(): { readonly width: number; readonly height: number };
  /** Draw the picture as shown into `ctx`, of `size()` (a vector context for SVG); absent: no SVG export. */
  drawVector?(ctx: CanvasRenderingContext2D): void;
  /** The SVG text itself, for a view that is an <svg> already (the page tree); absent: drawn with drawVector. */
  svgText?(): string;
  /** The step the picture shows (null: not drawn yet); frames wait for it to reach the cursor. */
  shownStep(): number | null;
  /** True while the picture is still moving (a step's animation): frames wait for it to finish. */
  busy?(): boolean;
}

const registered = new Map<ExportPanelId, Exportable>();

/** Register a view while its panel is mounted; returns the unregister function (an effect's cleanup). */
export function registerExportable(id: ExportPanelId, exportable: Exportable): () => void {
  registered.set(id, exportable);
  return () => {
    if (registered.get(id) === exportable) registered.delete(id);
  };
}

export function exportable(id: ExportPanelId): Exportable | null {
  return registered.get(id) ?? null;
}

/** The views that can be exported now, in the dialog's order. */
export function exportableIds(): ExportPanelId[] {
  return EXPORT_PANELS.filter((id) => {
    const e = registered.get(id);
    return e && (e.canvas() !== null || (e.svgText && e.size().width > 0));
  });
}

export function isExportPanel(id: string | null | undefined): id is ExportPanelId {
  return EXPORT_PANELS.includes(id as ExportPanelId);
}
