import type { exportNs as en } from '../en/export';
import type { Catalogue } from '../catalogue';

/** 文件 → 导出…：对话框、选项、幻灯片文件里的文字，以及出错提示。 */
export const exportNs = {
  title: '导出',
  palette: '导出…（PNG、SVG、Perfetto 跟踪、逐步帧或视频）',
  what: '导出内容',
  view: '视图',
  noViews: '打开内存映射图、时间线、PMM、页表树或页缓存面板，才能导出视图。',
  kind: {
    png: '将此视图导出为 PNG',
    pngHint: '与屏幕显示一致的图片，采用屏幕分辨率。',
    svg: '将此视图导出为 SVG',
    svgHint: '矢量图：任意尺寸都清晰，可在 Inkscape 或 Illustrator 中编辑。',
    svgNone: '此视图暂不支持导出 SVG：请选择 PNG。',
    trace: '整个运行导出为跟踪 (Perfetto)',
    traceHint: 'Chrome trace-event JSON：可在 ui.perfetto.dev 或 chrome://tracing 中打开。',
    frames: '逐步导出为帧',
    framesHint: '一份幻灯片（单个 HTML 文件），包含从光标起每一步的此视图；用方向键逐步浏览。',
    video: '逐步导出为视频',
    videoHint: '从光标起每一步的此视图，做成 MP4（或 WebM）短片，每帧下方标注步号：用于幻灯片。',
    videoNone: '此平台无法在这里编码视频：请改为逐步导出为帧。',
  },
  frames: {
    count: '步数',
    range: '第 {{from}} 到 {{to}} 步',
    progress: '第 {{done}} / {{total}} 帧…',
  },
  video: {
    hold: '每步秒数',
    length: '视频共 {{seconds}} 秒',
  },
  export: '导出',
  cancel: '取消',
  working: '正在导出…',
  saved: '已保存 {{name}}',
  failed: '导出失败：{{message}}',
  noCanvas: '该视图不在屏幕上：请显示它的面板后重试。',
  noRun: '请先加载一个场景。',
  slideshow: {
    title: '{{scenario}}：{{view}}，第 {{from}} 到 {{to}} 步',
    caption: '第 {{step}} 步 · {{time}}',
    help: '← → 或空格逐步 · P 播放 · Home/End',
    made: '由 UVMScope {{version}} 制作',
  },
  filter: {
    png: 'PNG 图片',
    svg: 'SVG 矢量图',
    trace: 'Chrome trace-event JSON',
    html: 'HTML 幻灯片',
    mp4: 'MP4 视频',
    webm: 'WebM 视频',
  },
} as const satisfies Catalogue<typeof en>;
