/**
 * Presentation mode's parts (App.tsx toggles the mode with F12; Escape leaves):
 *   - the dock's presentation layout: memory map large, narration and code beside it, the timeline below; no
 *     editor, breakpoints or inspector. It is remembered apart from the working layout (the user may rearrange it),
 *     and leaving puts the working layout back exactly as it was (dockview's toJSON/fromJSON);
 *   - the caption bar: the scenario's note in effect and the first sentence of what this step did, in large type —
 *     only while no guided tour shows its own caption (SessionUi's tour bar), so there is one caption area.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { DockviewApi } from 'dockview-react';
import { useDebugger } from '../state/store';
import { useSession } from '../state/session';
import { explainStep, type T } from '../panels/narration/explain';
import { translateNote } from '../i18n/narration';
import { layoutRef } from './layout-ref';
import { PANELS } from '../panels/registry';
import { firstSentence } from './presentation-caption';
import './presentation.css';

/** Where the presentation arrangement is remembered (the working one stays under Layout.tsx's key). */
export const PRESENTATION_LAYOUT_KEY = 'uvmscope.layout.presentation.v1';

/** The presentation arrangement: memory map large in the centre, narration over code on the right, the timeline below (tall enough for its rows in the presentation's larger type). */
export function presentationLayout(api: DockviewApi, title: (id: string) => string): void {
  api.clear();
  const add = (id: string, position?: { referencePanel: string; direction: 'within' | 'right' | 'below' }, size: { initialWidth?: number; initialHeight?: number } = {}) =>
    api.addPanel({ id, component: id, title: title(id), ...(position ? { position } : {}), ...size });
  add('memoryMap');
  add('pageTree', { referencePanel: 'memoryMap', direction: 'within' });
  add('pmm', { referencePanel: 'memoryMap', direction: 'within' });
  add('narration', { referencePanel: 'memoryMap', direction: 'right' }, { initialWidth: Math.round(window.innerWidth * 0.32) });
  add('code', { referencePanel: 'narration', direction: 'below' });
  add('timeline', { referencePanel: 'memoryMap', direction: 'below' }, { initialHeight: Math.round(window.innerHeight * 0.3) });
  api.getPanel('memoryMap')?.api.setActive();
}

type LayoutData = Parameters<DockviewApi['fromJSON']>[0];

/** The working layout while presenting (null when not presenting). Layout.tsx saves to the presentation key while it is set. */
export const presenting: { working: LayoutData | null } = { working: null };

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Swap the working layout for the presentation one (the remembered arrangement, else the default above). */
export function enterPresentationLayout(title: (id: string) => string): void {
  const api = layoutRef.api;
  if (!api || presenting.working) return;
  presenting.working = JSON.parse(JSON.stringify(api.toJSON())) as LayoutData;
  let restored = false;
  try {
    const saved = storage()?.getItem(PRESENTATION_LAYOUT_KEY);
    if (saved) {
      api.fromJSON(JSON.parse(saved) as LayoutData);
      restored = api.getPanel('memoryMap') !== undefined;
    }
  } catch {
    restored = false;
  }
  if (!restored) presentationLayout(api, title);
}

/** Put the working layout back as it was on entering. */
export function leavePresentationLayout(): void {
  const api = layoutRef.api;
  const working = presenting.working;
  presenting.working = null;
  if (!api || !working) return;
  try {
    api.fromJSON(working);
  } catch {
    window.dispatchEvent(new Event('uvmscope:reset-layout'));
  }
}

/** The caption bar: the note in effect and this step's first explanation, or nothing when a tour captions instead. */
export function PresentationCaption() {
  const { t, i18n } = useTranslation('narration');
  const { t: tp } = useTranslation('presentation');
  const state = useDebugger((s) => s.state);
  const tour = useSession((s) => s.tour !== null);
  if (tour || !state) return null;
  const note = state.narration ? translateNote(state.narration, i18n.language) : '';
  const explained = explainStep(state, t as unknown as T)[0] ?? '';
  return (
    <section className="presentation-caption" aria-label={tp('caption')} aria-live="polite" data-testid="presentation-caption">
      <span className="presentation-step">{tp('step', { step: state.step })}</span>
      <div className="presentation-text">
        {note && <p className="presentation-note">{firstSentence(note)}</p>}
        {explained && <p className="presentation-explain">{firstSentence(explained)}</p>}
      </div>
      <span className="presentation-keys">{tp('keys')}</span>
    </section>
  );
}

/** Enter or leave the presentation layout with the mode; the page's `presenting` class marks it for CSS and tests. */
export function usePresentationLayout(active: boolean): void {
  const { t } = useTranslation('panels');
  useEffect(() => {
    const title = (id: string) => t(PANELS.find((p) => p.id === id)?.title ?? id);
    document.documentElement.classList.toggle('presenting', active);
    if (active) enterPresentationLayout(title);
    else leavePresentationLayout();
  }, [active, t]);
}
