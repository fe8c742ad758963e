/**
 * The tour every scenario carries in itself: its `- bookmark:` ops, in order, each with the `- note:` that introduces
 * what comes next. A built-in scenario is written as phases — a note says what is about to happen, ops do it, a bookmark
 * closes the phase — so walking the bookmarks with their following notes is a guided tour of the scenario, and every
 * built-in scenario has one without a second copy of its narration. A stop lands on the first step of the op after
 * the bookmark, as an `open:` bookmark does, so the narration panel shows the note that introduces the stop.
 *
 * An `- ask:` op (predict mode) puts its question on the stop of the phase it is in, and that stop lands on the
 * question's `from` step (the state the learner is asked about); a second ask in the same phase gets a stop of its own.
 */
import type { OpInfo, PredictQuestion, SessionTour } from '../../protocol';

interface Stop {
  step: number;
  title: string;
  narration: string;
  ask?: PredictQuestion;
}

export function scenarioTour(scenario: string, ops: readonly OpInfo[]): SessionTour | null {
  const stops: Stop[] = [];
  /** The stop of the phase each op is in (-1 before the first stop). */
  const phaseStop: number[] = [];
  // the first stop: the scenario's start, with its opening note
  const opening = ops.find((o) => o.op === 'note')?.text;
  if (opening !== undefined && ops.some((o) => o.op === 'bookmark')) stops.push({ step: 0, title: scenario, narration: opening });
  ops.forEach((o, i) => {
    phaseStop[i] = stops.length - 1;
    if (o.op !== 'bookmark') return;
    const next = ops[i + 1];
    // the note of the next phase, if one follows before the next bookmark
    let narration = '';
    for (let j = i + 1; j < ops.length && ops[j].op !== 'bookmark'; j++) {
      if (ops[j].op === 'note') {
        narration = ops[j].text ?? '';
        break;
      }
    }
    const step = next ? next.firstStep : o.firstStep;
    if (stops.length > 0 && stops[stops.length - 1].step === step) return;
    stops.push({ step, title: o.text ?? o.label, narration });
  });
  if (stops.length < 2) return null;
  const extra: Stop[] = [];
  ops.forEach((o, i) => {
    if (o.op !== 'ask' || !o.ask) return;
    const phase = stops[Math.max(0, phaseStop[i] ?? 0)];
    if (!phase.ask) {
      phase.ask = o.ask;
      phase.step = o.ask.from;
    } else extra.push({ step: o.ask.from, title: phase.title, narration: phase.narration, ask: o.ask });
  });
  const all = [...stops, ...extra].sort((a, b) => a.step - b.step);
  return { title: scenario, stops: all };
}
