import type { narration as en } from '../en/narration';
import type { Catalogue } from '../catalogue';

export const narration = {
  empty: '加载一个场景，逐步查看发生了什么。',
  thisStep: '本步',
  where: '在 {{fn}} 中：{{text}}',
  transitions_other: '{{count}} 处状态变化',
  nothingChanged: '本步模型中没有任何变化：由执行路径决定下一步做什么。',
  copied_other: '{{route}} 复制了 {{bytes}}，共 {{count}} 次传输。',
  andMore_other: '{{text}}（另有 {{count}} 处类似）',
  truncated: '列出了 {{count}} 处变化中的前 {{shown}} 处。',
} as const satisfies Catalogue<typeof en>;
