import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));
import { FakeWebContents, MessageChannelMain, resetElectron, utilityProcess } from './electron-double';
import { ENGINE_PORT_HANDOVER, EngineHosts } from '../../src/main/engine-host';
import { IPC } from '../../src/protocol/bridge';

beforeEach(() => resetElectron());

const modulePath = '/opt/UVMScope/resources/app/out/main/utility.js';

describe('engine hosts', () => {
  it('start a utilityProcess from the built file and connect it to the window by a MessageChannelMain', () => {
    const hosts = new EngineHosts(modulePath);
    const contents = new FakeWebContents();
    hosts.start(contents as never);

    expect(utilityProcess.fork).toHaveBeenCalledOnce();
    const [child] = utilityProcess.forked;
    expect(child.modulePath).toBe(modulePath);
    expect(child.options).toMatchObject({ serviceName: 'UVMScope engine' });

    expect(MessageChannelMain.instances).toHaveLength(1);
    const { port1, port2 } = MessageChannelMain.instances[0];
    // one end to the utility process, transferred
    expect(child.postMessage).toHaveBeenCalledExactlyOnceWith(ENGINE_PORT_HANDOVER, [port1]);
    // the other to the renderer, on the channel the preload forwards to the page
    expect(contents.postMessage).toHaveBeenCalledExactlyOnceWith(IPC.enginePort, null, [port2]);
    expect(IPC.enginePort).toBe('engine-port');
    expect(hosts.size).toBe(1);
  });

  it('a second request ends the first engine (how a long load is cancelled) and connects a fresh one', () => {
    const hosts = new EngineHosts(modulePath);
    const contents = new FakeWebContents();
    hosts.start(contents as never);
    hosts.start(contents as never);
    const [first, second] = utilityProcess.forked;
    expect(first.kill).toHaveBeenCalledOnce();
    expect(second.kill).not.toHaveBeenCalled();
    expect(MessageChannelMain.instances).toHaveLength(2);
    expect(contents.postMessage).toHaveBeenCalledTimes(2);
    expect(contents.postMessage.mock.calls[1][2]).toEqual([MessageChannelMain.instances[1].port2]);
    expect(hosts.size).toBe(1);
  });

  it('keeps one engine per window', () => {
    const hosts = new EngineHosts(modulePath);
    const a = new FakeWebContents();
    const b = new FakeWebContents();
    hosts.start(a as never);
    hosts.start(b as never);
    expect(hosts.size).toBe(2);
    hosts.stop(a.id);
    expect(utilityProcess.forked[0].kill).toHaveBeenCalled();
    expect(utilityProcess.forked[1].kill).not.toHaveBeenCalled();
    hosts.stopAll();
    expect(utilityProcess.forked[1].kill).toHaveBeenCalled();
    expect(hosts.size).toBe(0);
  });

  it('forgets an engine that exits by itself, and says so only when it failed', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const hosts = new EngineHosts(modulePath);
    const contents = new FakeWebContents();
    hosts.start(contents as never);
    utilityProcess.forked[0].emit('exit', 0);
    expect(hosts.size).toBe(0);
    expect(warn).not.toHaveBeenCalled();
    hosts.start(contents as never);
    utilityProcess.forked[1].emit('exit', 134);
    expect(warn).toHaveBeenCalledWith('UVMScope: the engine process ended with code 134.');
    // one ended by us (killed) is not a failure
    hosts.start(contents as never);
    hosts.start(contents as never);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
