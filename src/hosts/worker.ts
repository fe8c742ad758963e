/**
 * The web build's engine host: a module Web Worker running the engine service. It only
 * carries messages; service.ts does the work. Progress of a load is posted as it goes
 * (postMessage from inside the synchronous run reaches the page at once).
 */
import type { EngineRequest, HostMessage } from '../protocol';
import { EngineService } from './service';

interface WorkerScope {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: HostMessage): void;
}
const scope = globalThis as unknown as WorkerScope;
const service = new EngineService();

scope.onmessage = (event) => {
  const request = event.data as EngineRequest;
  const id = typeof request === 'object' && request !== null && typeof request.id === 'number' ? request.id : -1;
  scope.postMessage(service.handle(request, (done, total) => scope.postMessage({ type: 'progress', id, done, total })));
};
