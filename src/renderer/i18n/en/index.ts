/** English catalogue: one namespace per part of the UI. Add a panel's namespace here. */
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

export const en = { common, panels, scenario, narration, code, timeline, counters, breakpoints, editor, memory, radix, inspector, pmm, pageTree, controls, session, capture, export: exportNs, presentation, predict, tours } as const;
