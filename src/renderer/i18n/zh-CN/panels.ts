import type { panels as en } from '../en/panels';
import type { Catalogue } from '../catalogue';

/** 面板标题。 */
export const panels = {
  scenario: '场景',
  narration: '讲解',
  code: '内核路径',
  memoryMap: '内存映射图',
  radix: '页缓存',
  pageTree: 'GPU 页表树',
  pmm: 'PMM chunk',
  timeline: '时间线',
  inspector: '检查器',
  breakpoints: '断点',
  counters: '计数器',
  editor: '场景编辑器',
  capture: '真实采集',
  tours: '导览',
} as const satisfies Catalogue<typeof en>;
