/**
 * A view that is an <svg> already (the page tree) as a standalone SVG file: its styles come from the app's CSS, so
 * each element's computed presentation (fill, stroke, font…) is written onto a copy as attributes (not as a style
 * attribute, which the CSP refuses), the classes dropped, and the panel's background put behind it.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';
const PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'visibility', 'display'] as const;

export function standaloneSvg(svg: SVGSVGElement, background: string): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((el, i) => {
    const css = getComputedStyle(el);
    const target = to[i];
    for (const p of PROPS) {
      const v = css.getPropertyValue(p);
      if (v && !(p === 'display' && v !== 'none') && !(p === 'visibility' && v === 'visible')) target.setAttribute(p, v);
    }
    target.removeAttribute('class');
    for (const a of [...target.attributes]) if (a.name.startsWith('data-') || a.name === 'tabindex' || a.name === 'role' || a.name.startsWith('aria-')) target.removeAttribute(a.name);
  });
  const { width, height } = svg.getBoundingClientRect();
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('width', String(Math.round(width)));
  copy.setAttribute('height', String(Math.round(height)));
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background);
  copy.insertBefore(bg, copy.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}
