/**
 * svgcanvas's Context, with its text written without a style attribute: svgcanvas reads `ctx.font` by setting it as
 * the style of a scratch <span>, which the app's CSP (style-src 'self') refuses, leaving the SVG's text unsized. This
 * subclass parses the font itself (the CSS shorthand the panels use: `[style] [weight] <size>px <family>`), and
 * clips as a canvas does (below).
 */
import { Context } from 'svgcanvas';
import { parseFont } from './font';

const ANCHOR: Record<string, string> = { left: 'start', start: 'start', center: 'middle', right: 'end', end: 'end' };
const BASELINE: Record<string, string> = { alphabetic: 'alphabetic', top: 'text-before-edge', hanging: 'hanging', middle: 'central', bottom: 'text-after-edge', ideographic: 'ideographic' };

/** svgcanvas's internals that the override below uses (svgcanvas 2.x). */
interface Internals {
  font: string;
  textAlign: string;
  textBaseline: string;
  __document: Document;
  __currentElement: Element;
  __closestGroupOrSvg(): Element;
  __createElement(name: string, properties: Record<string, string | number>, resetFill: boolean): Element;
  __applyTransformation(element: Element, matrix?: DOMMatrix): void;
  getTransform(): DOMMatrix;
  __applyStyleToCurrentElement(action: 'fill' | 'stroke'): void;
}

export class SvgContext extends Context {
  /**
   * svgcanvas writes `transform="matrix(1 0 0 1 0 0)"` on every element, though most panels draw untransformed: an
   * element drawn with the identity gets no transform attribute (the same picture, a smaller and cleaner file).
   */
  __applyTransformation(element: Element, matrix?: DOMMatrix): void {
    const { a, b, c, d, e, f } = matrix ?? (this as unknown as Internals).getTransform();
    if (a === 1 && b === 0 && c === 0 && d === 1 && e === 0 && f === 0) {
      element.removeAttribute('transform');
      return;
    }
    element.setAttribute('transform', `matrix(${a} ${b} ${c} ${d} ${e} ${f})`);
  }

  /**
   * A canvas clips what is drawn after the clip; svgcanvas clips the whole group the path is in, what was drawn
   * before it included (the timeline's background lost its gutter). The path goes into a fresh group first.
   */
  override clip(): void {
    const self = this as unknown as Internals;
    const path = self.__currentElement;
    if (path.nodeName === 'path') {
      const fresh = self.__createElement('g', {}, false);
      self.__closestGroupOrSvg().appendChild(fresh);
      fresh.appendChild(path);
    }
    super.clip();
  }

  __applyText(text: string, x: number, y: number, action: 'fill' | 'stroke'): void {
    const self = this as unknown as Internals;
    const f = parseFont(self.font);
    const parent = self.__closestGroupOrSvg();
    const el = self.__createElement(
      'text',
      {
        'font-family': f.family,
        'font-size': f.size,
        'font-style': f.style,
        'font-weight': f.weight,
        x,
        y,
        'text-anchor': ANCHOR[self.textAlign] ?? 'start',
        'dominant-baseline': BASELINE[self.textBaseline] ?? 'alphabetic',
      },
      true,
    );
    el.appendChild(self.__document.createTextNode(text));
    self.__currentElement = el;
    self.__applyTransformation(el);
    self.__applyStyleToCurrentElement(action);
    parent.appendChild(el);
  }
}
