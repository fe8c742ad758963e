/** 简体中文目录：与英文目录（../en）相同的命名空间与键（test/renderer/i18n-catalogues.test.ts 比较两者）。 */
import type { en } from '../en/index';
import type { Catalogue } from '../catalogue';
import { common } from './common';
import { panels } from './panels';
import { scenario } from './scenario';
import { narration } from './narration';
import { code } from './code';
import { timeline } from './timeline';
import { counters } from './counters';
import { breakpoints } from './breakpoints';
import { editor } from './editor';
import { memory } from './memory';
import { radix } from './radix';
import { inspector } from './inspector';
import { pmm } from './pmm';
import { pageTree } from './pageTree';
import { controls } from './controls';
import { session } from './session';
import { capture } from './capture';
import { exportNs } from './export';
import { presentation } from './presentation';
import { predict } from './predict';
import { tours } from './tours';

export const zhCN = { common, panels, scenario, narration, code, timeline, counters, breakpoints, editor, memory, radix, inspector, pmm, pageTree, controls, session, capture, export: exportNs, presentation, predict, tours } as const satisfies Catalogue<typeof en>;
