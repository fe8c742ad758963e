/** 演示模式的字幕栏与主题设置。 */
export const presentation = {
  caption: '字幕',
  step: '第 {{step}} 步',
  keys: 'F10 单步 · Shift+F10 后退 · N 下一站 · Esc 退出',
  theme: {
    label: '主题',
    default: '默认（深色）',
    'high-contrast': '高对比度',
    palette: '主题：{{theme}}',
  },
} as const;
