/** A view's picture as PNG bytes, a PNG data URL, or SVG text. */
import { SvgContext } from './svg-context';
import { NoCanvas, type Exportable } from './registry';

export { NoCanvas };

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

/** A view drawn as SVG (the page tree), drawn onto a canvas at the device pixel ratio. */
async function rasterise(view: Exportable): Promise<HTMLCanvasElement> {
  const { width, height } = view.size();
  if (width < 1 || height < 1) throw new NoCanvas();
  const dpr = window.devicePixelRatio || 1;
  const url = URL.createObjectURL(new Blob([svgText(view)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height);
    return canvas;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The canvas as shown (its bitmap is already at the device pixel ratio), or the SVG view drawn onto one. */
export async function canvasOf(view: Exportable): Promise<HTMLCanvasElement> {
  const canvas = view.canvas();
  if (canvas) {
    if (canvas.width < 1 || canvas.height < 1) throw new NoCanvas();
    return canvas;
  }
  if (view.svgText) return rasterise(view);
  throw new NoCanvas();
}

/** The picture as PNG bytes. */
export async function pngBytes(view: Exportable): Promise<Uint8Array> {
  const canvas = await canvasOf(view);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new NoCanvas();
  return new Uint8Array(await blob.arrayBuffer());
}

/** The picture as a PNG data URL (a slideshow's frame). */
export async function pngDataUrl(view: Exportable): Promise<string> {
  return (await canvasOf(view)).toDataURL('image/png');
}
