/**
 * Renderer entry: the React app. The renderer may import src/protocol and itself only
 * (npm run lint); the engine runs in a host (a Web Worker here, a utilityProcess in
 * Electron) reached through src/protocol.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { UvmscopeBridge } from '../protocol';
import { i18nReady } from './i18n/index';
import { App } from './app/App';
import './styles/app.css';

declare global {
  interface Window {
    /** Exposed by src/preload in Electron; undefined in the web build. */
    readonly uvmscope?: UvmscopeBridge;
  }
}

const root = document.getElementById('root');
// the remembered language first (a translation is loaded on demand), so the first frame is in it; a failure to load
// it has already been reported and leaves English
if (root) {
  void i18nReady
    .catch(() => undefined)
    .then(() => {
      createRoot(root).render(
        <StrictMode>
          <App />
        </StrictMode>,
      );
    });
}
