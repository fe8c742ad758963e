/**
 * Renderer entry: the React app. The renderer may import src/protocol and itself only
 * (npm run lint); the engine runs in a host (a Web Worker here, a utilityProcess in
 * Electron) reached through src/protocol.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { UvmscopeBridge } from '../protocol';
import './i18n/index';
import { App } from './app/App';
import './styles/app.css';

declare global {
  interface Window {
    /** Exposed by src/preload in Electron; undefined in the web build. */
    readonly uvmscope?: UvmscopeBridge;
  }
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
