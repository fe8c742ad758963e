/**
 * The renderer's side of the engine protocol: numbers requests, matches answers to them,
 * forwards a load's progress, and hides which host carries the messages. The renderer
 * cannot tell a Web Worker from Electron's utilityProcess: both are a `MessageChannel`-like
 * port that speaks src/protocol.
 */
import type { EngineHost, EngineRequest, EngineResponse, HostMessage } from '../../protocol';

/** What a host's transport looks like: a Worker and a MessagePort both fit. */
export interface MessageEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start?(): void;
}

/** Distributes a request without its id; the client assigns one. */
export type RequestBody = EngineRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(response: EngineResponse): void;
  reject(error: Error): void;
  onProgress?: (done: number, total: number) => void;
}

export class EngineClient implements EngineHost {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(
    private readonly endpoint: MessageEndpoint,
    private readonly terminate: () => void,
  ) {
    endpoint.addEventListener('message', this.onMessage);
    endpoint.start?.();
  }

  /** Send a request; the id is filled in here. */
  send(body: RequestBody, onProgress?: (done: number, total: number) => void): Promise<EngineResponse> {
    return this.request({ ...body, id: this.nextId++ } as EngineRequest, onProgress);
  }

  request(message: EngineRequest, onProgress?: (done: number, total: number) => void): Promise<EngineResponse> {
    if (this.disposed) return Promise.reject(new Error('the engine has been stopped'));
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject, onProgress });
      this.endpoint.postMessage(message);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.endpoint.removeEventListener('message', this.onMessage);
    this.terminate();
    for (const p of this.pending.values()) p.reject(new Error('the engine was stopped'));
    this.pending.clear();
  }

  private readonly onMessage = (event: MessageEvent): void => {
    const message = event.data as HostMessage;
    if (!message || typeof message !== 'object' || typeof message.id !== 'number') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.done, message.total);
      return;
    }
    this.pending.delete(message.id);
    pending.resolve(message);
  };
}

/** The web build's host: the engine in a module Web Worker. */
export function startWorkerHost(): EngineClient {
  // A URL, not an import: the renderer never imports src/hosts (npm run lint), it only
  // names the worker's entry for the bundler.
  const worker = new Worker(new URL('../../hosts/worker.ts', import.meta.url), { type: 'module', name: 'uvmscope-engine' });
  return new EngineClient(worker, () => worker.terminate());
}

/**
 * Electron's host: main starts a utilityProcess and hands the renderer one end of a
 * MessageChannel; the preload forwards it as a window message.
 */
export function startElectronHost(): Promise<EngineClient> {
  const bridge = window.uvmscope;
  if (!bridge) return Promise.reject(new Error('not running in Electron'));
  return new Promise((resolve) => {
    const onPort = (event: MessageEvent) => {
      if (event.source !== window || event.data !== 'uvmscope:engine-port' || event.ports.length !== 1) return;
      window.removeEventListener('message', onPort);
      const port = event.ports[0];
      resolve(new EngineClient(port, () => port.close()));
    };
    window.addEventListener('message', onPort);
    bridge.requestEngine();
  });
}

/** The host for wherever the renderer runs. */
export function startEngineHost(): Promise<EngineClient> {
  return window.uvmscope ? startElectronHost() : Promise.resolve(startWorkerHost());
}
