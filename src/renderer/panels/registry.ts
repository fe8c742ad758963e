/**
 * Every panel of the app: its id (also its dockview component name), its title's i18n key
 * and its component. Each panel lives in its own folder and reads the debugger store; the
 * layout (app/Layout.tsx) places them.
 */
import type { FunctionComponent } from 'react';
import { ScenarioPanel } from './scenario/ScenarioPanel';
import { NarrationPanel } from './narration/NarrationPanel';
import { CodePanel } from './code/CodePanel';
import { MemoryMapPanel } from './memory-map/MemoryMapPanel';
import { RadixPanel } from './radix/RadixPanel';
import { PageTreePanel } from './page-tree/PageTreePanel';
import { PmmPanel } from './pmm/PmmPanel';
import { TimelinePanel } from './timeline/TimelinePanel';
import { InspectorPanel } from './inspector/InspectorPanel';
import { BreakpointsPanel } from './breakpoints/BreakpointsPanel';
import { CountersPanel } from './counters/CountersPanel';
import { LazyEditorPanel } from './editor/LazyEditorPanel';
import { CapturePanel } from './capture/CapturePanel';
import { ToursPanel } from './tours/ToursPanel';

export interface PanelSpec {
  readonly id: string;
  /** Key in the `panels` namespace. */
  readonly title: string;
  readonly component: FunctionComponent;
}

export const PANELS: readonly PanelSpec[] = [
  { id: 'scenario', title: 'scenario', component: ScenarioPanel },
  { id: 'editor', title: 'editor', component: LazyEditorPanel },
  { id: 'breakpoints', title: 'breakpoints', component: BreakpointsPanel },
  { id: 'memoryMap', title: 'memoryMap', component: MemoryMapPanel },
  { id: 'radix', title: 'radix', component: RadixPanel },
  { id: 'pageTree', title: 'pageTree', component: PageTreePanel },
  { id: 'pmm', title: 'pmm', component: PmmPanel },
  { id: 'timeline', title: 'timeline', component: TimelinePanel },
  { id: 'narration', title: 'narration', component: NarrationPanel },
  { id: 'code', title: 'code', component: CodePanel },
  { id: 'inspector', title: 'inspector', component: InspectorPanel },
  { id: 'counters', title: 'counters', component: CountersPanel },
  { id: 'capture', title: 'capture', component: CapturePanel },
  { id: 'tours', title: 'tours', component: ToursPanel },
];
