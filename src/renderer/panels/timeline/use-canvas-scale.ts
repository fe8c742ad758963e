/**
 * How much larger the timeline's canvas draws its text and lanes: the `--timeline-scale` the app's CSS sets on <html>
 * (presentation.css: larger while presenting, so the labels read from the back of a room as the other panels' do),
 * 1 where none is set. Follows <html>'s class and theme.
 */
import { useEffect, useState } from 'react';

function read(): number {
  if (typeof document === 'undefined') return 1;
  const v = parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--timeline-scale'));
  return Number.isFinite(v) && v > 0 ? Math.min(4, v) : 1;
}

export function useCanvasScale(): number {
  const [scale, setScale] = useState(read);
  useEffect(() => {
    setScale(read());
    const observer = new MutationObserver(() => setScale(read()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'data-theme'] });
    return () => {
      observer.disconnect();
    };
  }, []);
  return scale;
}
