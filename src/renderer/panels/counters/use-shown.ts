/**
 * `useShown(ref)`: whether an element is laid out with a size (a panel in a background tab of the dock has none), so
 * that a panel asks the host for what follows the cursor only while someone can see it.
 */
import { useState, type RefObject } from 'react';
import { useResize } from '../../state/use-resize';

export function useShown(ref: RefObject<Element | null>): boolean {
  const [shown, setShown] = useState(true);
  useResize(ref, (el) => setShown(el.getClientRects().length > 0 && el.clientWidth > 0 && el.clientHeight > 0), [ref]);
  return shown;
}
