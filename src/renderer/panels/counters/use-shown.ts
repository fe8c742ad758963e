/**
 * `useShown(ref)`: whether an element is laid out with a size (a panel in a background tab of the dock has none), so
 * that a panel asks the host for what follows the cursor only while someone can see it.
 */
import { useEffect, useState, type RefObject } from 'react';

export function useShown(ref: RefObject<Element | null>): boolean {
  const [shown, setShown] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setShown(el.getClientRects().length > 0 && el.clientWidth > 0 && el.clientHeight > 0);
    const ro = new ResizeObserver(update);
    ro.observe(el);
    update();
    return () => ro.disconnect();
  }, [ref]);
  return shown;
}
