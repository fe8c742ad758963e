/**
 * The API the Electron preload exposes to the renderer as `window.uvmscope`.
 *
 * Named values and functions only — never a generic `invoke(channel, …)`: every
 * capability the renderer gets is listed here, and main validates each call's sender and
 * payload. In the web build there is no preload and `window.uvmscope` is undefined.
 */
export interface UvmscopeBridge {
  /** The app's version (package.json), fixed at build time. */
  readonly version: string;
  /** Which shell the renderer runs in. */
  readonly host: 'electron';
}
