/**
 * The tour every scenario carries in itself: its `- bookmark:` ops, in order, each with the `- note:` that introduces
 * what comes next. A built-in scenario is written as phases — a note says what is about to happen, ops do it, a bookmark
 * closes the phase — so walking the bookmarks with their following notes is a guided tour of the scenario, and every
 * built-in scenario has one without a second copy of its narration. A stop lands on the first step of the op after
 * the bookmark, as an `open:` bookmark does, so the narration panel shows the note that introduces the stop.
 */
import type { OpInfo, SessionTour } from '../../protocol';

export function scenarioTour(scenario: string, ops: readonly OpInfo[]): SessionTour | null {
  const stops: { step: number; title: string; narration: string }[] = [];
  // the first stop: the scenario's start, with its opening note
  const opening = ops.find((o) => o.op === 'note')?.text;
  if (opening !== undefined && ops.some((o) => o.op === 'bookmark')) stops.push({ step: 0, title: scenario, narration: opening });
  ops.forEach((o, i) => {
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
  return stops.length >= 2 ? { title: scenario, stops } : null;
}
