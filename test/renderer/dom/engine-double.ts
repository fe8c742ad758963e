/**
 * The renderer's engine, in Node: an EngineClient whose transport is a direct call into the EngineService (as the
 * Worker host makes it), counting the requests by type, for tests of the store and its modules.
 */
import { EngineService } from '../../../src/hosts/service';
import type { EngineRequest, UvmscopeBridge } from '../../../src/protocol';
import { EngineClient, type MessageEndpoint } from '../../../src/renderer/engine/client';

declare global {
  // as src/renderer/main.tsx declares it for the app (this compilation does not include main.tsx)
  interface Window {
    readonly uvmscope?: UvmscopeBridge;
  }
}

export interface EngineDouble {
  client: EngineClient;
  service: EngineService;
  /** Every request sent, in order. */
  requests: EngineRequest[];
  count(type: EngineRequest['type'], view?: string): number;
}

export function engineDouble(): EngineDouble {
  const service = new EngineService();
  const requests: EngineRequest[] = [];
  const listeners = new Set<(event: MessageEvent) => void>();
  const endpoint: MessageEndpoint = {
    postMessage(message: unknown) {
      const request = message as EngineRequest;
      requests.push(request);
      // answered on a later task, as a worker would
      setTimeout(() => {
        const response = service.handle(request);
        for (const l of listeners) l({ data: response } as MessageEvent);
      }, 0);
    },
    addEventListener: (_type, listener) => void listeners.add(listener),
    removeEventListener: (_type, listener) => void listeners.delete(listener),
  };
  const client = new EngineClient(endpoint, () => listeners.clear());
  return {
    client,
    service,
    requests,
    count: (type, view) => requests.filter((r) => r.type === type && (view === undefined || (r.type === 'view' && r.query.view === view))).length,
  };
}
