/**
 * Whether the panel a component sits in can be seen: its dock tab is the active one of a visible group. The layout
 * (app/Layout.tsx) provides it for every panel from dockview's panel API, so a panel needs no code of its own:
 * `useView` asks the engine nothing for a hidden panel and catches up once it shows again. Outside the dock (a test,
 * a dialog) a component counts as visible.
 */
import { createContext, useContext } from 'react';

export const PanelVisibleContext = createContext(true);

export function usePanelVisible(): boolean {
  return useContext(PanelVisibleContext);
}
