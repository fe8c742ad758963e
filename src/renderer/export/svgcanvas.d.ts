/** svgcanvas ships no types: the part UVMScope uses (a Canvas 2D context that records SVG). */
declare module 'svgcanvas' {
  export interface ContextOptions {
    width: number;
    height: number;
    document?: Document;
    ctx?: CanvasRenderingContext2D;
  }
  export interface SvgCanvasContext extends CanvasRenderingContext2D {
    getSerializedSvg(fixNamedEntities?: boolean): string;
    getSvg(): SVGSVGElement;
  }
  export const Context: new (options: ContextOptions) => SvgCanvasContext;
}
