/**
 * Predict mode follows the guided tour: a stop that asks (TourStopInfo.ask) opens its question when the tour lands
 * on it, and leaving that stop (the next stop, closing the tour) closes a question the tour opened. A new run closes
 * any question and forgets the answers (a session being opened restores its own after: session.ts).
 */
import { useDebugger } from './store';
import { useSession } from './session';
import { ask, closeQuestion, setAnswers, usePredict } from './predict';
import type { PredictQuestion } from '../../protocol';

/** The question of the tour stop the learner is on, or null. */
export function activeStopQuestion(): PredictQuestion | null {
  const { tours, tour } = useSession.getState();
  if (!tour || tour.stop < 0) return null;
  return tours[tour.index]?.stops[tour.stop]?.ask ?? null;
}

/** Start following the tour and the run; returns the function that stops it. */
export function startPredict(): () => void {
  let last: PredictQuestion | null = null;
  const follow = () => {
    const q = activeStopQuestion();
    if (q === last) return;
    last = q;
    const open = usePredict.getState();
    if (q) ask(q, 'tour');
    else if (open.question && open.source === 'tour') closeQuestion();
  };
  const offSession = useSession.subscribe((s, prev) => {
    if (s.tour !== prev.tour || s.tours !== prev.tours) follow();
  });
  const offRun = useDebugger.subscribe((s, prev) => {
    if (s.run === prev.run) return;
    last = null;
    closeQuestion();
    setAnswers([]);
  });
  follow();
  return () => {
    offSession();
    offRun();
  };
}

