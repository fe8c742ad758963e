import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { HostMessage } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';
import { serveEngine, startUtilityHost, type EnginePort } from '../../src/hosts/utility';

/** A MessagePortMain as the utility process sees it: messages in, posts recorded, close from the far end. */
class FakePort extends EventEmitter implements EnginePort {
  readonly posted: HostMessage[] = [];
  started = false;
  postMessage(message: HostMessage): void {
    // what crosses a real port is a structured clone
    this.posted.push(structuredClone(message));
  }
  start(): void {
    this.started = true;
  }
  /** The renderer posts a request. */
  deliver(data: unknown): void {
    this.emit('message', { data, ports: [] });
  }
}

const source = readFileSync(new URL('../../assets/scenarios/default.yaml', import.meta.url), 'utf8');

describe('the utilityProcess engine host', () => {
  it('answers a load over its port, with progress first, then the run', () => {
    const port = new FakePort();
    const exit = vi.fn();
    serveEngine(port, new EngineService(), exit);
    expect(port.started).toBe(true);

    port.deliver({ type: 'load', id: 1, source, fileName: 'default.yaml' });
    const progress = port.posted.filter((m) => m.type === 'progress');
    const answer = port.posted.at(-1)!;
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((m) => m.id === 1)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ done: expect.any(Number), total: expect.any(Number) });
    expect(answer.type).toBe('ok');
    if (answer.type !== 'ok') return;
    expect(answer.id).toBe(1);
    expect(answer.run?.fileName).toBe('default.yaml');
    expect(answer.run?.totalSteps).toBeGreaterThan(100);
    expect(answer.state.step).toBe(0);

    // and goes on answering, in order
    port.deliver({ type: 'step', id: 2, granularity: 'op', direction: 'forward' });
    port.deliver({ type: 'state', id: 3 });
    const [step, state] = port.posted.slice(-2);
    expect(step).toMatchObject({ type: 'ok', id: 2 });
    expect(state).toMatchObject({ type: 'ok', id: 3 });
    if (step.type === 'ok' && state.type === 'ok') {
      expect(step.state.step).toBeGreaterThan(0);
      expect(state.state.step).toBe(step.state.step);
    }
    expect(exit).not.toHaveBeenCalled();
  });

  it('answers a scenario error with located diagnostics', () => {
    const port = new FakePort();
    serveEngine(port, new EngineService(), vi.fn());
    port.deliver({ type: 'load', id: 7, source: 'name: broken\nsteps: [', fileName: 'broken.yaml' });
    const answer = port.posted.at(-1)!;
    expect(answer).toMatchObject({ type: 'error', id: 7 });
    if (answer.type === 'error') expect(answer.diagnostics[0].location?.file).toBe('broken.yaml');
  });

  it('answers what is not a request with an error instead of dying', () => {
    const port = new FakePort();
    serveEngine(port, new EngineService(), vi.fn());
    port.deliver(null);
    port.deliver('load');
    port.deliver({ id: 4 });
    expect(port.posted).toEqual([
      { type: 'error', id: -1, diagnostics: [{ message: 'an engine request is an object with a type and an id' }] },
      { type: 'error', id: -1, diagnostics: [{ message: 'an engine request is an object with a type and an id' }] },
      { type: 'error', id: 4, diagnostics: [{ message: 'an engine request is an object with a type and an id' }] },
    ]);
  });

  it('exits when its port closes (the renderer let go of it)', () => {
    const port = new FakePort();
    const exit = vi.fn();
    serveEngine(port, new EngineService(), exit);
    port.emit('close');
    expect(exit).toHaveBeenCalledOnce();
  });

  it('takes its port from main’s first message and serves it', () => {
    const parent = new EventEmitter();
    const exit = vi.fn();
    startUtilityHost(parent as never, exit);
    const port = new FakePort();
    parent.emit('message', { data: { type: 'engine-port' }, ports: [port] });
    port.deliver({ type: 'state', id: 1 });
    expect(port.posted).toEqual([{ type: 'error', id: 1, diagnostics: [{ message: 'no scenario is loaded yet' }] }]);
    port.emit('close');
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('ends with an error code when main sent no port', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const parent = new EventEmitter();
    const exit = vi.fn();
    startUtilityHost(parent as never, exit);
    parent.emit('message', { data: {}, ports: [] });
    expect(exit).toHaveBeenCalledWith(1);
    error.mockRestore();
  });
});
