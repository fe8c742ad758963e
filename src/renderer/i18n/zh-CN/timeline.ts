import type { timeline as en } from '../en/timeline';
import type { Catalogue } from '../catalogue';

/** 时间线：整个运行按迁移类别分行显示密度，可缩放到单步。 */
export const timeline = {
  empty: '加载一个场景，查看它随时间的运行过程。',
  label: '运行的时间线。单击或拖动以移动光标；滚轮或 + 和 − 缩放；Shift+滚轮或拖动坐标轴平移；方向键移动光标。',
  valueText: '第 {{step}} / {{total}} 步',
  zoomIn: '放大 (+)',
  zoomOut: '缩小 (−)',
  fit: '显示整个运行 (0)',
  range: '第 {{from}}–{{to}} 步，共 {{total}} 步',
  timeRange: '模拟时间 {{from}} – {{to}}',
  moreRows_other: '+{{count}} 行：放大',
  lanes: { marks: '书签', ops: '操作', hits: '断点', step: '步', time: '时间' },
  family: {
    fault: '缺页',
    prefetch: '预取',
    copy: '复制',
    residency: '驻留',
    map: '映射',
    evict: '驱逐',
    pmm: 'PMM chunk',
    thrash: '抖动',
    pagecache: '页缓存',
    gaia: 'GAIA',
    mm: 'CPU mm',
    hmm: 'HMM',
    gdr: 'gdrcopy',
    other: '其他',
  },
  tip: {
    step: '第 {{step}} 步',
    steps: '第 {{from}}–{{to}} 步',
    time: '时间 {{time}}',
    transitions_other: '{{count}} 次迁移',
    more: '… 另有 {{count}} 项',
    hit: '命中断点',
    bookmark: '书签 {{name}}',
  },
} as const satisfies Catalogue<typeof en>;
