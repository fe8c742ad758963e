/**
 * Renderer entry. For now a placeholder page; the React app (panels, stores, D3 views)
 * replaces it in a later version. The renderer may import src/protocol and itself only.
 */
import type { UvmscopeBridge } from '../protocol';

declare global {
  interface Window {
    /** Exposed by src/preload in Electron; undefined in the web build. */
    readonly uvmscope?: UvmscopeBridge;
  }
}

const hostLine = document.getElementById('host');
if (hostLine) {
  const bridge = window.uvmscope;
  hostLine.textContent = bridge
    ? `UVMScope ${bridge.version} in Electron`
    : 'UVMScope web build';
}
