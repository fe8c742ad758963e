import type { scenario as en } from '../en/scenario';
import type { Catalogue } from '../catalogue';

export const scenario = {
  builtIn: '内置场景',
  none: '（无）',
  ops: '场景步骤',
  note: '注释',
  goToOp: '跳到此操作（第 {{line}} 行）',
} as const satisfies Catalogue<typeof en>;
