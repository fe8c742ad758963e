import type { code as en } from '../en/code';
import type { Catalogue } from '../catalogue';

export const code = {
  empty: '加载一个场景，跟随它的内核路径。',
  noFrame: '位于两条内核路径之间。',
  callStack: '调用栈',
  frameHint: '显示此栈帧；双击跳到第 {{step}} 步',
} as const satisfies Catalogue<typeof en>;
