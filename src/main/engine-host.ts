/**
 * The engine off the UI thread: each window's engine runs in a utilityProcess started from
 * its built file (out/main/utility.js, from src/hosts/utility.ts — main starts it by path
 * and never imports it). Main only introduces the two ends: it makes a MessageChannelMain,
 * gives one port to the utility process and the other to the window, whose preload hands it
 * to the page (`uvmscope:engine-port`). From then on the renderer and the engine talk
 * directly; no engine message passes through main.
 *
 * A window has one engine at a time. Asking for another (`bridge.requestEngine()`, which is
 * how the renderer cancels a long load) ends the previous one at once — its process may be
 * busy in a synchronous load and would only notice its closed port afterwards.
 */
import { MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { IPC } from '../protocol/bridge';

/** What main sends the utility process along with its port. */
export const ENGINE_PORT_HANDOVER = { type: 'engine-port' } as const;

export class EngineHosts {
  private readonly processes = new Map<number, UtilityProcess>();
  /** Ended by us: their exit code says nothing about a failure. */
  private readonly ended = new WeakSet<UtilityProcess>();

  /** @param modulePath the built utility entry (out/main/utility.js) */
  constructor(private readonly modulePath: string) {}

  /** Start a fresh engine for `contents` (ending its previous one) and connect the two. */
  start(contents: WebContents): void {
    const id = contents.id;
    this.stop(id);
    const child = utilityProcess.fork(this.modulePath, [], { serviceName: 'UVMScope engine', stdio: 'inherit' });
    this.processes.set(id, child);
    child.once('exit', (code) => {
      if (this.processes.get(id) === child) this.processes.delete(id);
      if (code !== 0 && !this.ended.has(child)) console.warn(`UVMScope: the engine process ended with code ${code}.`);
    });
    const { port1, port2 } = new MessageChannelMain();
    child.postMessage(ENGINE_PORT_HANDOVER, [port1]);
    contents.postMessage(IPC.enginePort, null, [port2]);
  }

  /** End the engine of a webContents (its window closed, or it asked for a new one). */
  stop(contentsId: number): void {
    const child = this.processes.get(contentsId);
    if (!child) return;
    this.processes.delete(contentsId);
    this.ended.add(child);
    child.kill();
  }

  stopAll(): void {
    for (const id of [...this.processes.keys()]) this.stop(id);
  }

  /** How many engines run now (tests, diagnostics). */
  get size(): number {
    return this.processes.size;
  }
}
