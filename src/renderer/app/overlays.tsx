/**
 * The app's quick overlays: the command palette and the go-to-step box. One is open at a
 * time; the element that had focus before the first one opened gets it back when they close.
 * The palette (cmdk) is loaded the first time it opens, so the app starts without it.
 */
import { lazy, Suspense, useEffect } from 'react';
import { create } from 'zustand';
import type { CommandContext } from './commands';
import { GoToStep } from './GoToStep';

const loadPalette = () => import('./Palette');
const Palette = lazy(loadPalette);
const ExportDialog = lazy(() => import('./ExportDialog').then((m) => ({ default: m.ExportDialog })));

export type OverlayName = 'palette' | 'goToStep' | 'export';

interface OverlayState {
  open: OverlayName | null;
  /** Where focus goes back to when the overlay closes. */
  returnTo: HTMLElement | null;
}

export const useOverlay = create<OverlayState>(() => ({ open: null, returnTo: null }));

/** Open an overlay (the same key again closes it); a second overlay replaces the first and keeps where focus returns. */
export function openOverlay(which: OverlayName): void {
  const { open, returnTo } = useOverlay.getState();
  if (open === which) {
    closeOverlay(true);
    return;
  }
  const active = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
  useOverlay.setState({ open: which, returnTo: open ? returnTo : active });
}

/** Close the open overlay; `restoreFocus` false when the command chosen moves focus itself. */
export function closeOverlay(restoreFocus: boolean): void {
  const { returnTo } = useOverlay.getState();
  useOverlay.setState({ open: null, returnTo: null });
  if (restoreFocus && returnTo?.isConnected) returnTo.focus();
}

export function Overlays({ ctx }: { ctx: CommandContext }) {
  const open = useOverlay((s) => s.open);
  useEffect(() => {
    // fetch the palette once the app is idle, so that what is typed right after Ctrl+Shift+P lands in it
    const id = setTimeout(() => void loadPalette(), 1500);
    return () => clearTimeout(id);
  }, []);
  if (open === 'goToStep') return <GoToStep />;
  if (open === 'export')
    return (
      <Suspense fallback={null}>
        <ExportDialog />
      </Suspense>
    );
  if (open === 'palette')
    return (
      <Suspense fallback={null}>
        <Palette ctx={ctx} />
      </Suspense>
    );
  return null;
}
