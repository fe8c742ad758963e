/**
 * The dockable panel layout (dockview): every panel can be dragged, tabbed, split and
 * resized. The layout is remembered (localStorage in the browser; Electron's renderer
 * storage likewise) and can be reset to the default below.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { DockviewReact, themeDark, type DockviewApi, type DockviewPanelApi, type DockviewReadyEvent, type IDockviewPanelProps } from 'dockview-react';
import 'dockview-react/dist/styles/dockview.css';
import { useTranslation } from 'react-i18next';
import { PANELS } from '../panels/registry';
import { PanelVisibleContext } from '../state/panel-visible';
import { useDocument } from '../state/document';
import { PanelBoundary } from './PanelBoundary';
import { layoutRef } from './layout-ref';
import { PRESENTATION_LAYOUT_KEY, presentationLayout, presenting } from './Presentation';
import { useTheme } from '../theme/theme';

/** Bumped when the default layout changes, so users get the new one once. */
const LAYOUT_KEY = 'uvmscope.layout.v2';

/** Whether a dock panel can be seen (the active tab of a visible group), following dockview's events. */
function usePanelApiVisible(api: DockviewPanelApi): boolean {
  const [visible, setVisible] = useState(api.isVisible);
  useEffect(() => {
    setVisible(api.isVisible);
    const listener = api.onDidVisibilityChange((event) => setVisible(event.isVisible));
    return () => {
      listener.dispose();
    };
  }, [api]);
  return visible;
}

/** Every panel in its error boundary, told whether it can be seen (usePanelVisible; useView waits while it cannot). */
const components: Record<string, React.FunctionComponent<IDockviewPanelProps>> = Object.fromEntries(
  PANELS.map((p) => {
    const Panel = p.component;
    // keyed by the theme: a new theme remounts the panel, so its canvas redraws in the theme's colours
    const Wrapped = ({ api }: IDockviewPanelProps) => (
      <PanelVisibleContext.Provider value={usePanelApiVisible(api)}>
        <PanelBoundary name={p.title}>
          <Panel key={useTheme()} />
        </PanelBoundary>
      </PanelVisibleContext.Provider>
    );
    Wrapped.displayName = `Panel(${p.id})`;
    return [p.id, Wrapped];
  }),
);

/** The default arrangement: scenario left, memory views centre with the timeline below, narration and code right. */
export function defaultLayout(api: DockviewApi, title: (id: string) => string): void {
  api.clear();
  const add = (id: string, position?: { referencePanel: string; direction: 'within' | 'left' | 'right' | 'below' | 'above' }, size: { initialWidth?: number; initialHeight?: number } = {}) =>
    api.addPanel({ id, component: id, title: title(id), ...(position ? { position } : {}), ...size });
  add('memoryMap');
  add('radix', { referencePanel: 'memoryMap', direction: 'within' });
  add('pageTree', { referencePanel: 'memoryMap', direction: 'within' });
  add('pmm', { referencePanel: 'memoryMap', direction: 'within' });
  add('scenario', { referencePanel: 'memoryMap', direction: 'left' }, { initialWidth: 300 });
  add('editor', { referencePanel: 'scenario', direction: 'within' });
  add('breakpoints', { referencePanel: 'scenario', direction: 'below' }, { initialHeight: 220 });
  add('narration', { referencePanel: 'memoryMap', direction: 'right' }, { initialWidth: 420 });
  add('code', { referencePanel: 'narration', direction: 'below' });
  add('inspector', { referencePanel: 'code', direction: 'within' });
  add('counters', { referencePanel: 'code', direction: 'within' });
  add('tours', { referencePanel: 'code', direction: 'within' });
  add('timeline', { referencePanel: 'memoryMap', direction: 'below' }, { initialHeight: 270 });
  add('capture', { referencePanel: 'timeline', direction: 'within' });
  api.getPanel('timeline')?.api.setActive();
  api.getPanel('memoryMap')?.api.setActive();
  api.getPanel('code')?.api.setActive();
  api.getPanel('scenario')?.api.setActive();
}

export function Layout() {
  const { t } = useTranslation('panels');
  const api = useRef<DockviewApi | null>(null);
  const title = useCallback((id: string) => t(PANELS.find((p) => p.id === id)?.title ?? id), [t]);

  const onReady = useCallback(
    (event: DockviewReadyEvent) => {
      api.current = event.api;
      layoutRef.api = event.api;
      let restored = false;
      try {
        const saved = localStorage.getItem(LAYOUT_KEY);
        if (saved) {
          event.api.fromJSON(JSON.parse(saved));
          restored = PANELS.every((p) => event.api.getPanel(p.id));
        }
      } catch {
        restored = false;
      }
      if (!restored) defaultLayout(event.api, title);
      // a restored layout keeps the titles it was saved with: give them the UI's language
      else for (const panel of event.api.panels) panel.api.setTitle(title(panel.id));
      event.api.onDidLayoutChange(() => {
        try {
          // while presenting, the arrangement is the presentation's (Presentation.tsx); the working one waits untouched
          localStorage.setItem(presenting.working ? PRESENTATION_LAYOUT_KEY : LAYOUT_KEY, JSON.stringify(event.api.toJSON()));
        } catch {
          // storage full or disabled: the layout is simply not remembered
        }
      });
    },
    [title],
  );

  // the panels' titles follow the UI's language (`title` changes with it)
  useEffect(() => {
    for (const panel of api.current?.panels ?? []) panel.api.setTitle(title(panel.id));
  }, [title]);

  useEffect(() => {
    const reset = () => api.current && (presenting.working ? presentationLayout(api.current, title) : defaultLayout(api.current, title));
    window.addEventListener('uvmscope:reset-layout', reset);
    return () => window.removeEventListener('uvmscope:reset-layout', reset);
  }, [title]);

  // a file that failed to open goes to the editor, with its errors: bring the editor forward (back, if it was closed)
  useEffect(() => {
    const off = useDocument.subscribe((s, prev) => {
      const dock = api.current;
      if (!dock || !s.lastAttempt || s.lastAttempt === prev.lastAttempt) return;
      const editor = dock.getPanel('editor');
      if (editor) editor.api.setActive();
      else dock.addPanel({ id: 'editor', component: 'editor', title: title('editor') });
    });
    return off;
  }, [title]);

  useEffect(() => {
    // the command palette's "Show panel": bring it back if it was closed, make it active, focus it
    const show = (event: Event) => {
      const id = (event as CustomEvent<string>).detail;
      const dock = api.current;
      if (!dock || !PANELS.some((p) => p.id === id)) return;
      const panel = dock.getPanel(id) ?? dock.addPanel({ id, component: id, title: title(id) });
      panel.api.setActive();
      requestAnimationFrame(() => {
        const content = panel.view.content.element;
        const target = content.querySelector<HTMLElement>('input, textarea, select, button, [tabindex]:not([tabindex="-1"]), .cm-content') ?? content;
        if (target === content) content.tabIndex = -1;
        target.focus();
      });
    };
    window.addEventListener('uvmscope:show-panel', show);
    return () => window.removeEventListener('uvmscope:show-panel', show);
  }, [title]);

  return (
    <div className="layout">
      <DockviewReact components={components} onReady={onReady} theme={themeDark} />
    </div>
  );
}
