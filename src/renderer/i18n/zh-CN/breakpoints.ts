import type { breakpoints as en } from '../en/breakpoints';
import type { Catalogue } from '../catalogue';

/** 断点列表：添加、编辑、启用、删除、命中次数、定位错误、双向继续。 */
export const breakpoints = {
  empty: '加载一个场景，在它的运行上设置断点。',
  add: '添加',
  addLabel: '新断点',
  placeholder: 'evictChunk · copy if bytes >= 64KiB · line evict_root_chunk · watch block 0',
  syntax: '一种迁移类型（或 *），可在 “if” 后加条件；或 “line <函数>[:<标签>]”；或 “watch block <n> [<字段>]” / “watch heap <名称>”。',
  none: '没有断点。在上方添加一个：运行会在每个匹配的步骤停下。',
  enabled: '已启用',
  edit: '编辑（双击）',
  editLabel: '断点表达式',
  remove: '删除断点',
  hits_zero: '从未命中',
  hits_other: '命中 {{count}} 次',
  checking: '检查中…',
  prevHit: '光标之前的上一次命中',
  nextHit: '光标之后的下一次命中',
  continue: '继续 (F5)',
  continueShort: '继续',
  reverseShort: '反向',
  reverseContinue: '反向继续 (Shift+F5)',
  stoppedHere: '停在此处',
  errorAt: '第 {{column}} 列：',
  suggestions: '建议',
  kindHint: '迁移类型',
  functionHint: '伪代码函数',
  fieldHint: '字段',
  keywordHint: '关键字',
  labelHint: '行标签',
  heapHint: '堆',
} as const satisfies Catalogue<typeof en>;
