/**
 * One direction's transfer sizes, model and real GPU side by side: a pair of bars per size (model left, real right),
 * heights on a log scale so one 4 KiB copy still shows beside a thousand 2 MiB ones, each bar's count written on it
 * when there is room, and the share of bytes moved in sizes the other side did not use.
 */
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaptureHistogram } from '../../../protocol';
import { useResize } from '../../state/use-resize';
import { formatBytes, formatCount } from '../counters/format';

const HEIGHT = 130;
const TOP = 14;
const BOTTOM = 18;

export function SizeHistogram({ h }: { h: CaptureHistogram }) {
  const { t } = useTranslation('capture');
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(260);
  useResize(box, (el) => setWidth(Math.max(160, Math.floor(el.clientWidth))), []);
  const max = Math.max(1, ...h.sizes.map(([, m, r]) => Math.max(m, r)));
  const scale = (n: number) => (n <= 0 ? 0 : Math.max(2, ((HEIGHT - TOP - BOTTOM) * Math.log1p(n)) / Math.log1p(max)));
  const group = width / Math.max(1, h.sizes.length);
  const bar = Math.max(2, Math.min(24, (group - 6) / 2));
  // a size's label where it fits: kept inside the chart, and skipped when it would touch the previous one
  const labels = new Map<number, { x: number; anchor: 'start' | 'middle' | 'end' }>();
  let right = -Infinity;
  h.sizes.forEach(([size], i) => {
    const w = formatBytes(size).length * 6 + 6;
    const cx = group * i + group / 2;
    const anchor = cx < w / 2 ? 'start' : cx > width - w / 2 ? 'end' : 'middle';
    const x = anchor === 'start' ? 0 : anchor === 'end' ? width : cx;
    const left = anchor === 'start' ? 0 : anchor === 'end' ? width - w : cx - w / 2;
    if (left < right) return;
    labels.set(i, { x, anchor });
    right = left + w;
  });
  const name = t(`histogram.${h.name}`);
  return (
    <figure className={`capture-histogram${h.sizes.length > 12 ? ' wide' : ''}`} data-histogram={h.name}>
      <figcaption>
        <code>{h.name}</code> {name}
        <span className={`capture-distance ${h.distance > 0 ? 'differs' : 'ok'}`}>{h.distance > 0 ? t('distance', { pct: `${(h.distance * 100).toFixed(1)}%` }) : t('sameShape')}</span>
      </figcaption>
      <div ref={box} className="capture-histogram-box">
        <svg width={width} height={HEIGHT} role="img" aria-label={t('histogramLabel', { name })}>
          <line x1={0} x2={width} y1={HEIGHT - BOTTOM + 0.5} y2={HEIGHT - BOTTOM + 0.5} className="axis" />
          {h.sizes.map(([size, m, r], i) => {
            const cx = group * i + group / 2;
            const hm = scale(m);
            const hr = scale(r);
            const base = HEIGHT - BOTTOM;
            const title = t('barTitle', { size: formatBytes(size), model: formatCount(m), real: formatCount(r) });
            return (
              <g key={size}>
                <title>{title}</title>
                <rect className="bar model" x={cx - bar - 1} y={base - hm} width={bar} height={hm} />
                <rect className="bar real" x={cx + 1} y={base - hr} width={bar} height={hr} />
                {bar >= 16 && m > 0 && (
                  <text className="count" x={cx - bar / 2 - 1} y={base - hm - 3} textAnchor="middle">
                    {formatCount(m)}
                  </text>
                )}
                {bar >= 16 && r > 0 && (
                  <text className="count" x={cx + bar / 2 + 1} y={base - hr - 3} textAnchor="middle">
                    {formatCount(r)}
                  </text>
                )}
                {labels.has(i) && (
                  <text className="size" x={labels.get(i)!.x} y={HEIGHT - 4} textAnchor={labels.get(i)!.anchor}>
                    {formatBytes(size)}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}
