/**
 * Electron's engine host: a utilityProcess running the engine service. Main starts it from
 * its built file (out/main/utility.js) and sends it, once, one end of a MessageChannelMain
 * whose other end the renderer holds (src/main/engine-host.ts). It only carries messages
 * (service.ts does the work), exactly as the Web Worker host does (worker.ts): one answer
 * per request, in order, and `progress` messages while a load runs.
 *
 * When the renderer closes its end the port closes here and the process exits: that is
 * how a window lets go of an engine.
 */
import type { EngineRequest, HostMessage } from '../protocol';
import { EngineService } from './service';

/** The parts of Electron's MessagePortMain this host uses (a fake one in tests). */
export interface EnginePort {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: HostMessage): void;
  start(): void;
}

/** The utility process's link to main (`process.parentPort`). */
export interface ParentPort {
  once(event: 'message', listener: (event: { data: unknown; ports: readonly EnginePort[] }) => void): unknown;
}

function requestId(request: unknown): number {
  return typeof request === 'object' && request !== null && typeof (request as { id?: unknown }).id === 'number' ? (request as { id: number }).id : -1;
}

/** Answer every request that arrives on `port` with `service`; call `exit` when the port closes. */
export function serveEngine(port: EnginePort, service: EngineService, exit: () => void): void {
  port.on('message', (event) => {
    const request = event.data;
    const id = requestId(request);
    if (typeof request !== 'object' || request === null || typeof (request as { type?: unknown }).type !== 'string') {
      port.postMessage({ type: 'error', id, diagnostics: [{ message: 'an engine request is an object with a type and an id' }] });
      return;
    }
    port.postMessage(service.handle(request as EngineRequest, (done, total) => port.postMessage({ type: 'progress', id, done, total })));
  });
  port.on('close', exit);
  port.start();
}

/** Wait for main's one port, then serve it; a handover without a port ends the process. */
export function startUtilityHost(parent: ParentPort, exit: (code: number) => void): void {
  parent.once('message', (event) => {
    const port = event.ports[0];
    if (!port) {
      console.error('UVMScope engine: main sent no port; exiting.');
      exit(1);
      return;
    }
    serveEngine(port, new EngineService(), () => exit(0));
  });
}

// In a utilityProcess `process.parentPort` is the link to main; elsewhere (tests) it is absent.
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (parentPort) startUtilityHost(parentPort, (code) => process.exit(code));
