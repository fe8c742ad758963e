/**
 * The main process's side of the bridge (src/protocol/bridge.ts): one handler per IPC
 * channel. Every message is checked before it is acted on, as untrusted input:
 *
 * 1. the sender: the top frame of our own window showing the app's own document
 *    (`isTrustedSender`) — a message from another frame, page or window is refused;
 * 2. the payload: its arguments' number, types and sizes (zod schemas below).
 *
 * A refused `invoke` rejects with a short reason; a refused `send` is dropped. Both are
 * logged.
 */
import { ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { IPC, type FileOpenResult, type FileSaveRequest } from '../protocol/bridge';
import { isTrustedSender } from './security';

/** The largest document a save accepts (a session, a trace export, a PNG). */
export const MAX_SAVE_BYTES = 256 * 1024 * 1024;
const MAX_PATH = 4096;

const pathSchema = z.string().min(1).max(MAX_PATH).refine((p) => !p.includes('\0'), 'a path has no NUL character');

const saveRequestSchema = z
  .object({
    path: pathSchema.optional(),
    suggestedName: z.string().min(1).max(255).refine((p) => !p.includes('\0'), 'a name has no NUL character'),
    text: z.union([
      // a string of n UTF-16 units is at most 3n bytes of UTF-8
      z.string().refine((s) => s.length * 3 <= MAX_SAVE_BYTES || Buffer.byteLength(s) <= MAX_SAVE_BYTES, 'the document is larger than 256 MiB'),
      z.instanceof(Uint8Array).refine((b) => b.byteLength <= MAX_SAVE_BYTES, 'the document is larger than 256 MiB'),
    ]),
    filter: z
      .object({
        name: z.string().min(1).max(100),
        extensions: z.array(z.string().regex(/^[A-Za-z0-9]{1,16}$/)).min(1).max(10),
      })
      .strict(),
  })
  .strict();

/** Each channel's arguments, as a tuple. */
export const ipcArguments = {
  [IPC.openFile]: z.tuple([]),
  [IPC.openRecent]: z.tuple([pathSchema]),
  [IPC.saveFile]: z.tuple([saveRequestSchema]),
  [IPC.recentFiles]: z.tuple([]),
  [IPC.requestEngine]: z.tuple([]),
  [IPC.setDirty]: z.tuple([z.boolean()]),
} as const;

/** What main does for each call, once it passed the checks; `window` is the sender's. */
export interface BridgeHandlers {
  openFile(window: BrowserWindow): Promise<FileOpenResult | null>;
  openRecent(window: BrowserWindow, path: string): Promise<FileOpenResult>;
  saveFile(window: BrowserWindow, request: FileSaveRequest): Promise<{ readonly path: string } | null>;
  recentFiles(window: BrowserWindow): readonly string[];
  requestEngine(window: BrowserWindow): void;
  setDirty(window: BrowserWindow, dirty: boolean): void;
}

export interface SenderCheck {
  /** The window a webContents belongs to, when it is one of ours. */
  windowOf(event: IpcMainEvent | IpcMainInvokeEvent): BrowserWindow | null;
  /** The URL of the app's document (the built index.html, or the dev server). */
  readonly appUrl: string;
}

/** An IPC message refused by the checks. */
export class RefusedMessage extends Error {
  override readonly name = 'RefusedMessage';
}

/** The sender's window when the message may be acted on; throws RefusedMessage otherwise. */
export function checkSender(event: IpcMainEvent | IpcMainInvokeEvent, check: SenderCheck): BrowserWindow {
  const frame = event.senderFrame;
  const trusted = isTrustedSender({ frameUrl: frame ? frame.url : null, isMainFrame: frame !== null && frame.parent === null }, check.appUrl);
  const window = trusted ? check.windowOf(event) : null;
  if (!window) throw new RefusedMessage(`refused: the message did not come from the app's window (${frame ? frame.url : 'no frame'})`);
  return window;
}

/** The arguments, checked against the channel's schema; throws RefusedMessage when they do not fit. */
export function checkArguments<C extends keyof typeof ipcArguments>(channel: C, args: readonly unknown[]): z.infer<(typeof ipcArguments)[C]> {
  const parsed = ipcArguments[channel].safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RefusedMessage(`refused: bad arguments for ${channel}${issue ? ` (${issue.path.join('.') || 'arguments'}: ${issue.message})` : ''}`);
  }
  return parsed.data as z.infer<(typeof ipcArguments)[C]>;
}

/** Register every channel's handler; returns a function that removes them. */
export function registerBridge(handlers: BridgeHandlers, check: SenderCheck): () => void {
  const handle = <C extends typeof IPC.openFile | typeof IPC.openRecent | typeof IPC.saveFile | typeof IPC.recentFiles>(
    channel: C,
    answer: (window: BrowserWindow, args: z.infer<(typeof ipcArguments)[C]>) => unknown,
  ) => {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      try {
        return answer(checkSender(event, check), checkArguments(channel, args));
      } catch (error) {
        if (error instanceof RefusedMessage) console.warn(`UVMScope: ${error.message}`);
        throw error;
      }
    });
  };
  const on = <C extends typeof IPC.requestEngine | typeof IPC.setDirty>(channel: C, act: (window: BrowserWindow, args: z.infer<(typeof ipcArguments)[C]>) => void) => {
    ipcMain.on(channel, (event, ...args: unknown[]) => {
      try {
        act(checkSender(event, check), checkArguments(channel, args));
      } catch (error) {
        if (error instanceof RefusedMessage) console.warn(`UVMScope: ${error.message}`);
        else throw error;
      }
    });
  };

  handle(IPC.openFile, (window) => handlers.openFile(window));
  handle(IPC.openRecent, (window, [path]) => handlers.openRecent(window, path));
  handle(IPC.saveFile, (window, [request]) => handlers.saveFile(window, request));
  handle(IPC.recentFiles, (window) => handlers.recentFiles(window));
  on(IPC.requestEngine, (window) => handlers.requestEngine(window));
  on(IPC.setDirty, (window, [dirty]) => handlers.setDirty(window, dirty));

  return () => {
    for (const channel of [IPC.openFile, IPC.openRecent, IPC.saveFile, IPC.recentFiles]) ipcMain.removeHandler(channel);
    for (const channel of [IPC.requestEngine, IPC.setDirty]) ipcMain.removeAllListeners(channel);
  };
}
