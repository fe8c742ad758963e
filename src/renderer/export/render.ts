/** A view's picture as PNG bytes, a PNG data URL, or SVG text. */
import { SvgContext } from './svg-context';
import type { Exportable } from './registry';

export class NoCanvas extends Error {}

/** The canvas as shown, as PNG bytes (its bitmap is already at the device pixel ratio). */
export async function pngBytes(view: Exportable): Promise<Uint8Array> {
  const canvas = view.canvas();
  if (!canvas || canvas.width < 1 || canvas.height < 1) throw new NoCanvas();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new NoCanvas();
  return new Uint8Array(await blob.arrayBuffer());
}

/** The canvas as shown, as a PNG data URL (a slideshow's frame). */
export function pngDataUrl(view: Exportable): string {
  const canvas = view.canvas();
  if (!canvas || canvas.width < 1 || canvas.height < 1) throw new NoCanvas();
  return canvas.toDataURL('image/png');
}

export function canSvg(view: Exportable): boolean {
  return Boolean(view.drawVector || view.svgText);
}

/** The picture as SVG: the view's own <svg>, or its drawing recorded by svgcanvas at its CSS size. */
export function svgText(view: Exportable): string {
  if (view.svgText) return view.svgText();
  if (!view.drawVector) throw new Error('this view has no SVG export');
  const { width, height } = view.size();
  if (width < 1 || height < 1) throw new NoCanvas();
  const ctx = new SvgContext({ width: Math.round(width), height: Math.round(height) });
  view.drawVector(ctx);
  const svg = ctx.getSerializedSvg(true);
  return svg.startsWith('<?xml') ? svg : `<?xml version="1.0" encoding="UTF-8"?>\n${svg}`;
}
