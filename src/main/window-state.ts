/**
 * The main window remembers its size, position and maximised state across runs, in
 * `window-state.json` under `app.getPath('userData')`. The file is written atomically when
 * the window closes; a missing, corrupt or out-of-range file is ignored (the window opens
 * at its default size), and a position that no display shows any more (a monitor was
 * unplugged) is dropped so the window never opens off-screen.
 */
import { readFileSync } from 'node:fs';
import type { BrowserWindow, Rectangle } from 'electron';
import { z } from 'zod';
import { writeFileAtomicSync } from './files';

export interface WindowState {
  /** Position of the normal (not maximised) window; absent = let the OS centre it. */
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 800, maximized: false };
/** The smallest window the layout is usable in. */
export const MIN_WINDOW_SIZE = { width: 640, height: 400 } as const;
/** How much of the window must lie on a display for a remembered position to be kept. */
const MIN_VISIBLE = { width: 120, height: 40 } as const;

const coordinate = z.number().int().min(-100_000).max(100_000);
const size = z.number().int().min(1).max(100_000);
const windowStateSchema = z.object({
  x: coordinate.optional(),
  y: coordinate.optional(),
  width: size,
  height: size,
  maximized: z.boolean(),
});

/** Parse the file's text; the default state when it is not a window state. */
export function parseWindowState(text: string): WindowState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
  const parsed = windowStateSchema.safeParse(json);
  if (!parsed.success) return DEFAULT_WINDOW_STATE;
  const { x, y, width, height, maximized } = parsed.data;
  // a position is both coordinates or neither
  return x !== undefined && y !== undefined ? { x, y, width, height, maximized } : { width, height, maximized };
}

/** Read the remembered state; the default when the file is missing or unreadable. */
export function readWindowState(file: string): WindowState {
  try {
    return parseWindowState(readFileSync(file, 'utf8'));
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * Fit a remembered state to the displays there are now (their work areas): the size is
 * kept between the minimum and the largest work area, and the position only when enough
 * of the window (its top edge, where the title bar is) lies on some display.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rectangle[]): WindowState {
  const maxWidth = Math.max(MIN_WINDOW_SIZE.width, ...workAreas.map((a) => a.width));
  const maxHeight = Math.max(MIN_WINDOW_SIZE.height, ...workAreas.map((a) => a.height));
  const width = Math.min(Math.max(state.width, MIN_WINDOW_SIZE.width), maxWidth);
  const height = Math.min(Math.max(state.height, MIN_WINDOW_SIZE.height), maxHeight);
  if (state.x === undefined || state.y === undefined) return { width, height, maximized: state.maximized };
  const titleBar = { x: state.x, y: state.y, width, height: MIN_VISIBLE.height };
  const visible = workAreas.some((area) => {
    const o = overlap(titleBar, area);
    return o.width >= MIN_VISIBLE.width && o.height >= MIN_VISIBLE.height;
  });
  return visible ? { x: state.x, y: state.y, width, height, maximized: state.maximized } : { width, height, maximized: state.maximized };
}

/** The state of a window as it is now (its normal bounds when maximised). */
export function currentWindowState(window: BrowserWindow): WindowState {
  const bounds = window.getNormalBounds();
  return { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height, maximized: window.isMaximized() };
}

/** Remember the window's state in `file` when it closes. Errors are logged, never shown. */
export function trackWindowState(window: BrowserWindow, file: string): void {
  window.on('close', () => {
    if (window.isDestroyed()) return;
    try {
      writeFileAtomicSync(file, `${JSON.stringify(currentWindowState(window), null, 2)}\n`);
    } catch (error) {
      console.warn(`UVMScope: the window's size and position were not remembered: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
