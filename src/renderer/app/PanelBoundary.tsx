/**
 * Keeps one panel's failure inside that panel: a render error shows a message and a
 * button to try again, and the rest of the app (and the user's run) carries on.
 */
import { Component, type ReactNode } from 'react';
import { i18n } from '../i18n/index';

interface State {
  error: Error | null;
}

export class PanelBoundary extends Component<{ name: string; children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error): void {
    console.error(`panel ${this.props.name} failed:`, error);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="panel-error" role="alert">
        <p>{i18n.t('common:panelFailed', { panel: i18n.t(`panels:${this.props.name}`) })}</p>
        <pre>{error.message}</pre>
        <button type="button" onClick={() => this.setState({ error: null })}>
          {i18n.t('common:retry')}
        </button>
      </div>
    );
  }
}
