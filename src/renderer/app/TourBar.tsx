/** The guided tour's caption: the stop's title and narration, where it is, and the keys that walk it (N, Shift+N). */
import { useTranslation } from 'react-i18next';
import { useDebugger } from '../state/store';
import { closeTour, shownStopWords, useSession, walkTour } from '../state/session';
import { translateTourTitle } from '../i18n/narration';
import { sameQuestion, usePredict } from '../state/predict';

export function TourBar() {
  const { t, i18n } = useTranslation('session');
  const tours = useSession((s) => s.tours);
  const tour = useSession((s) => s.tour);
  const cursor = useDebugger((s) => s.state?.step);
  const question = usePredict((s) => s.question);
  const graded = usePredict((s) => s.grade !== null);
  if (!tour) return null;
  const current = tours[tour.index];
  if (!current) return null;
  const stop = tour.stop >= 0 ? current.stops[tour.stop] : null;
  // the built-in tours' words in the UI's language (src/renderer/i18n/narration.ts); a stop written in the app as written
  const shown = stop ? shownStopWords(current.title, tour.stop, stop, i18n.language) : null;
  const tourTitle = translateTourTitle(current.title, i18n.language);
  const total = current.stops.length;
  // the presenter stepped away from the stop: the caption stays, saying so, and N goes on from it
  const away = stop !== null && cursor !== undefined && cursor !== stop.step;
  // a stop that asks holds its narration (which tells what happens next) until the learner has answered or closed the question
  const held = Boolean(stop?.ask && question && sameQuestion(question, stop.ask) && !graded);
  return (
    <section className={`tour-bar${away ? ' away' : ''}`} aria-label={t('tour.label')} data-testid="tour-bar">
      <span className="tour-badge">{t('tour.label')}</span>
      <div className="tour-caption" aria-live="polite" data-testid="tour-caption">
        {stop ? (
          <>
            <div className="tour-heading">
              <span className="tour-title" data-testid="tour-stop-title">
                {shown?.title}
              </span>
              <span className="tour-where" data-testid="tour-where">
                {t('tour.stop', { n: tour.stop + 1, total, step: stop.step })}
              </span>
              {away && <span className="tour-away">{t('tour.away', { step: cursor })}</span>}
            </div>
            {held ? (
              <p className="tour-narration tour-held" data-testid="tour-held">
                {t('tour.held')}
              </p>
            ) : (
              <p className="tour-narration">{shown?.narration}</p>
            )}
          </>
        ) : (
          <div className="tour-heading">
            <span className="tour-title">{tourTitle}</span>
            <span className="tour-where">{t('tour.notStarted', { total })}</span>
          </div>
        )}
        {stop && <div className="tour-name">{tourTitle}</div>}
      </div>
      <div className="tour-controls">
        <span className="tour-keys">{t('tour.keys')}</span>
        <button type="button" onClick={() => walkTour(-1)} disabled={tour.stop <= 0} aria-label={t('tour.prev')} title={t('tour.prev')}>
          ‹
        </button>
        <button type="button" onClick={() => walkTour(1)} disabled={tour.stop >= total - 1} aria-label={t('tour.next')} title={t('tour.next')}>
          ›
        </button>
        <button type="button" onClick={closeTour} aria-label={t('tour.close')} title={t('tour.close')}>
          ✕
        </button>
      </div>
    </section>
  );
}
