/**
 * The preload: the gate between the sandboxed renderer and Electron. It is built as
 * CommonJS (out/preload/index.cjs) because a sandboxed preload cannot be an ES module, and
 * the window keeps `sandbox: true`.
 *
 * It exposes one curated object, `window.uvmscope`, typed in src/protocol/bridge.ts: named
 * values and functions, never raw `ipcRenderer` or a generic `invoke(channel, …)`.
 */
import { contextBridge } from 'electron';
import type { UvmscopeBridge } from '../protocol';

declare const __UVMSCOPE_VERSION__: string;

const bridge: UvmscopeBridge = {
  version: __UVMSCOPE_VERSION__,
  host: 'electron',
};

contextBridge.exposeInMainWorld('uvmscope', bridge);
