/**
 * `useResize(ref, onResize, deps)`: call `onResize(element)` now and whenever the element's box changes size (a dock
 * split moved, a tab shown). `deps` say when the element itself may have been replaced (a panel that renders its
 * canvas only once a run is loaded), so the observer moves to the new one.
 */
import { useEffect, useRef, type DependencyList, type RefObject } from 'react';

export function useResize<E extends Element>(ref: RefObject<E | null>, onResize: (element: E) => void, deps: DependencyList): void {
  const latest = useRef(onResize);
  latest.current = onResize;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => latest.current(el);
    const ro = new ResizeObserver(update);
    ro.observe(el);
    update();
    return () => ro.disconnect();
  }, deps);
}
