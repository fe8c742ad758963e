/**
 * The dock's API for sessions: a session saves the panel layout as dockview's JSON and opening one restores it.
 * Layout.tsx sets `layoutRef.api` once the dock is ready.
 */
import type { DockviewApi } from 'dockview-react';

export const layoutRef: { api: DockviewApi | null } = { api: null };

/** The layout as plain JSON data (what a session stores), or null before the dock is ready. */
export function layoutJSON(): { [key: string]: unknown } | null {
  const api = layoutRef.api;
  if (!api) return null;
  try {
    return JSON.parse(JSON.stringify(api.toJSON())) as { [key: string]: unknown };
  } catch {
    return null;
  }
}

/** Put a session's layout in place; one the dock cannot read gives the default layout. False when it could not. */
export function applyLayout(layout: { readonly [key: string]: unknown } | null): boolean {
  const api = layoutRef.api;
  if (!api || !layout) return false;
  try {
    api.fromJSON(layout as unknown as Parameters<DockviewApi['fromJSON']>[0]);
    return true;
  } catch {
    window.dispatchEvent(new Event('uvmscope:reset-layout'));
    return false;
  }
}
