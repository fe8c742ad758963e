import type { session as en } from '../en/session';
import type { Catalogue } from '../catalogue';

/** 会话：重放结论、导览栏、书签、自动保存的恢复提示、示例会话。 */
export const session = {
  verdict: {
    match: '{{name}}：已重放到第 {{step}} 步，摘要一致（{{digest}}）',
    diverged: '{{name}}：重放在第 {{step}} 步出现分歧',
    divergedRange: '{{name}}：重放在第 {{from}} 到 {{to}} 步之间出现分歧',
    how: '{{how}}。由引擎 {{saved}} 保存，由 {{engine}} 重放。',
    warnings_other: '{{count}} 条警告；第一条：{{first}}',
    dismiss: '忽略',
    goTo: '跳到第 {{step}} 步',
  },
  tour: {
    label: '导览',
    stop: '第 {{n}} / {{total}} 站 · 第 {{step}} 步',
    notStarted: '共 {{total}} 站：按 N 开始',
    prev: '上一站',
    next: '下一站',
    close: '关闭导览',
    keys: 'N 下一站 · Shift+N 上一站',
    away: '光标在第 {{step}} 步：按 N 继续前往下一站',
    held: '先预测：在内存映射图上标出页面，然后点“检查”（或“显示答案”）。讲解随后出现。',
  },
  bookmark: {
    default: '第 {{step}} 步',
    here: '书签：{{label}}',
    added: '已在第 {{step}} 步添加书签',
    removed: '已移除第 {{step}} 步的书签',
  },
  notes: {
    title: '笔记',
    object: '关于 {{object}}',
    remove: '删除此笔记',
    add: '添加笔记',
    addAt: '第 {{step}} 步的笔记',
    text: '笔记内容',
    pin: '同时钉在选中的对象上（{{object}}）',
    save: '添加笔记',
    cancel: '取消',
  },
  restore: {
    title: '恢复 {{time}} 的会话？',
    body: '自动保存记录了应用上次关闭前的状态：“{{scenario}}”，第 {{step}} 步。',
    restore: '恢复',
    discard: '丢弃',
  },
  examples: {
    title: '示例会话',
    intro: '每个会话都会在第一站打开一个场景并附带导览：N 前进，Shift+N 后退。',
    close: '关闭',
  },
  keys: {
    tourNext: '导览的下一站',
    tourPrev: '导览的上一站',
    bookmark: '在光标处添加或移除书签',
  },
  palette: {
    save: '保存会话…',
    bookmark: '在光标处切换书签',
    note: '在本步添加笔记…',
    goToBookmark: '跳到书签：{{label}}（第 {{step}} 步）',
    tourNext: '导览：下一站',
    tourPrev: '导览：上一站',
    example: '打开示例会话：{{title}}',
    examples: '示例会话…',
  },
  saved: '已保存 {{name}}',
} as const satisfies Catalogue<typeof en>;
