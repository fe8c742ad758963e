/**
 * Sessions through the engine service, as the app opens and saves them: each shipped example replays to its saved
 * state with its user state handed back; a session whose scenario was changed names the first step that differs; a
 * hostile or broken one is a located error and the service keeps working; a save round-trips through open.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, OkResponse } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';

const EXAMPLES = ['gaia-maquire-tour', 'gaia-get-page-from-gpu-tour', 'hmm-evict-chunk-tour'];
const example = (name: string) => readFileSync(new URL(`../../assets/sessions/${name}.uvmsession`, import.meta.url), 'utf8');
const scenario = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.diagnostics)}`);
  return r;
}

describe('EngineService sessions', () => {
  for (const name of EXAMPLES) {
    it(`opens ${name}: the replay matches, the cursor is the session's, the user state comes back`, () => {
      const text = example(name);
      const saved = JSON.parse(text);
      const service = new EngineService();
      const r = ok(service.handle({ type: 'openSession', id: 3, text, fileName: `${name}.uvmsession` }));
      const s = r.session!;
      expect(s.replay.match).toBe(true);
      expect(s.replay.divergence).toBeNull();
      expect(s.replay.warnings).toEqual([]);
      expect(r.state.step).toBe(saved.cursor);
      expect(r.state.digest).toBe(saved.digests.atCursor);
      expect(s.replay.digest).toEqual({ saved: saved.digests.atCursor, replayed: saved.digests.atCursor });
      expect(r.run!.fileName).toBe(saved.scenario.file);
      expect(s.scenarioFile).toBe(saved.scenario.file);
      expect(s.scenarioText).toBe(saved.scenario.text);
      expect(s.user.bookmarks).toEqual(saved.bookmarks);
      expect(s.user.tours).toEqual(saved.tours);
      expect(s.user.breakpoints).toEqual(saved.breakpoints);
      expect(s.user.notes).toEqual(saved.notes);
      expect(s.user.path).toEqual(saved.path);
      // the replayed run is the loaded run: the debugger goes on from there
      const next = ok(service.handle({ type: 'seek', id: 4, step: saved.tours[0].stops[1].step }));
      expect(next.state.step).toBe(saved.tours[0].stops[1].step);
    }, 60_000);
  }

  it('saves the loaded run with the user state, and the saved text opens to the same step and digest', () => {
    const service = new EngineService();
    ok(service.handle({ type: 'load', id: 1, source: scenario('gaia-maquire'), fileName: 'gaia-maquire.yaml' }));
    const at = ok(service.handle({ type: 'seek', id: 2, step: 11614 }));
    const user = {
      cursor: 11614,
      path: [11080, 11614],
      breakpoints: [{ id: 1, spec: 'line maquire:drop', enabled: true }],
      bookmarks: [{ step: 11614, label: 'maquire starts' }],
      notes: [{ step: 11614, text: 'here' }],
      tours: [{ title: 'T', stops: [{ step: 11080, title: 'a', narration: 'one' }, { step: 11614, title: 'b', narration: 'two' }] }],
      view: { layout: { grid: { root: {} } }, settings: { 'play.speed': 4 } },
    };
    const saved = ok(service.handle({ type: 'saveSession', id: 3, source: scenario('gaia-maquire'), fileName: 'gaia-maquire.yaml', user }));
    // saving does not move the cursor
    expect(saved.state.step).toBe(11614);
    const text = saved.sessionText!;
    expect(JSON.parse(text).digests.atCursor).toBe(at.state.digest);

    const again = new EngineService();
    const r = ok(again.handle({ type: 'openSession', id: 1, text, fileName: 'saved.uvmsession' }));
    expect(r.session!.replay.match).toBe(true);
    expect(r.state.step).toBe(11614);
    expect(r.state.digest).toBe(at.state.digest);
    expect(r.session!.user).toMatchObject({ bookmarks: user.bookmarks, tours: user.tours, breakpoints: user.breakpoints, path: user.path, notes: user.notes });
    expect(r.session!.user.view).toEqual(user.view);
  }, 60_000);

  it('a session whose scenario changed opens, and names the first step whose state differs', () => {
    const saved = JSON.parse(example('gaia-maquire-tour'));
    // find the first step whose state differs between the original and a scenario that writes more: the reference
    const original = new EngineService();
    ok(original.handle({ type: 'load', id: 1, source: saved.scenario.text, fileName: 'a.yaml' }));
    const changedText = saved.scenario.text.replace('offset: 3MiB, length: 8KiB', 'offset: 3MiB, length: 12KiB');
    expect(changedText).not.toBe(saved.scenario.text);
    const changed = new EngineService();
    ok(changed.handle({ type: 'load', id: 1, source: changedText, fileName: 'a.yaml' }));
    let first = -1;
    for (let s = saved.cursor; s <= 12_400 && first < 0; s++) {
      const a = ok(original.handle({ type: 'seek', id: 2, step: s })).state.digest;
      const b = ok(changed.handle({ type: 'seek', id: 2, step: s })).state.digest;
      if (a !== b) first = s;
    }
    expect(first).toBeGreaterThan(0);

    const service = new EngineService();
    const r = ok(service.handle({ type: 'openSession', id: 1, text: JSON.stringify({ ...saved, scenario: { ...saved.scenario, text: changedText } }), fileName: 'changed.uvmsession' }));
    const replay = r.session!.replay;
    expect(replay.match).toBe(false);
    expect(replay.divergence).toMatchObject({ step: first, exact: true });
    expect(replay.digest.saved).toBe(saved.digests.atCursor);
    // the cursor is before the change: its state is the same, and only the per-step fingerprints catch the difference
    expect(replay.digest.replayed).toBe(saved.digests.atCursor);
  }, 60_000);

  it('a hostile or broken session is a located error, and the loaded run stays', () => {
    const service = new EngineService();
    ok(service.handle({ type: 'load', id: 1, source: scenario('default'), fileName: 'default.yaml' }));
    ok(service.handle({ type: 'seek', id: 2, step: 5 }));
    const text = example('gaia-maquire-tour');
    const cases: [string, RegExp][] = [
      ['{"format":"uvmsession","version":2,"__proto__":{"x":1}}', /__proto__/],
      [`${'['.repeat(10_000)}`, /nested deeper than 64/],
      [text.replace('"cursor": ', '"cursr": '), /unknown field `cursr`/],
      [text.slice(0, 500), /the file ends/],
      [text.replace('"version": 2', '"version": 9'), /version 9 is newer/],
      [text.replace('"answers": []', '"answers": [{ "question": { "kind": "moves", "from": 5, "through": 9 }, "answer": [{ "region": 0, "page": -3, "target": 1 }], "counts": { "correct": 0, "missed": 0, "wrong": 1 } }]'), /answers\[0\]\.answer\[0\]\.page|expected at least 0/],
      ['not json at all', /./],
    ];
    for (const [bad, why] of cases) {
      const r = service.handle({ type: 'openSession', id: 3, text: bad, fileName: 'bad.uvmsession' });
      expect(r.type).toBe('error');
      if (r.type !== 'error') continue;
      expect(r.diagnostics.length).toBeGreaterThan(0);
      expect(r.diagnostics.map((d) => d.message).join('\n')).toMatch(why);
      expect(r.diagnostics[0].location).toMatchObject({ file: 'bad.uvmsession' });
      expect(r.diagnostics[0].location!.line).toBeGreaterThanOrEqual(1);
    }
    // the scenario loaded before is still there, cursor and all
    expect(ok(service.handle({ type: 'state', id: 4 })).state.step).toBe(5);
  }, 60_000);

  it('keeps predict mode through a save and an open: a stop that asks, and the graded answers', () => {
    const service = new EngineService();
    const run = ok(service.handle({ type: 'load', id: 1, source: scenario('gaia-maquire'), fileName: 'gaia-maquire.yaml' })).run!;
    const question = run.ops.find((o) => o.op === 'ask')!.ask!;
    const answer = [{ region: 0, page: 256, target: 1 }, { region: 0, page: 700, target: 0 }];
    const graded = ok(service.handle({ type: 'grade', id: 2, question, answer })).grade!;
    const user = {
      ...emptyUser(),
      cursor: question.from,
      tours: [{ title: 'T', stops: [{ step: question.from, title: 'before maquire', narration: 'what goes?', ask: { ...question, prompt: 'Which copies go?' } }] }],
      answers: [{ question, answer, counts: graded.counts }],
    };
    const saved = ok(service.handle({ type: 'saveSession', id: 3, source: scenario('gaia-maquire'), fileName: 'gaia-maquire.yaml', user }));
    const doc = JSON.parse(saved.sessionText!);
    expect(doc.version).toBe(2);
    // the digests cover the question's span: a replay proves the steps it grades
    expect(doc.digests.steps.count).toBe(question.through + 1);
    const r = ok(new EngineService().handle({ type: 'openSession', id: 1, text: saved.sessionText!, fileName: 's.uvmsession' }));
    expect(r.session!.replay.match).toBe(true);
    expect(r.session!.user.tours).toEqual(user.tours);
    expect(r.session!.user.answers).toEqual([{ question, answer, counts: { correct: 1, missed: 511, wrong: 1 } }]);
    // an answer the writer refuses comes back located
    const bad = service.handle({ type: 'saveSession', id: 4, source: scenario('gaia-maquire'), fileName: 'gaia-maquire.yaml', user: { ...user, answers: [{ question, answer: [{ region: 0, page: 1, target: 'dirty' as const }], counts: graded.counts }] } });
    expect(bad).toMatchObject({ type: 'error', diagnostics: [{ path: 'answers[0].answer[0].target' }] });
    const far = service.handle({ type: 'saveSession', id: 5, source: scenario('gaia-maquire'), fileName: 'gaia-maquire.yaml', user: { ...user, answers: [{ question: { ...question, through: run.totalSteps + 3 }, answer, counts: graded.counts }] } });
    expect(far).toMatchObject({ type: 'error', diagnostics: [{ path: 'answers[0].question.through', message: expect.stringMatching(/past the run's last step/) }] });
  }, 60_000);

  it('refuses to save a bookmark past the run, located, and without a run says so', () => {
    expect(new EngineService().handle({ type: 'saveSession', id: 1, source: '', fileName: 'x.yaml', user: emptyUser() }).type).toBe('error');
    const service = new EngineService();
    const run = ok(service.handle({ type: 'load', id: 1, source: scenario('default'), fileName: 'default.yaml' })).run!;
    const r = service.handle({ type: 'saveSession', id: 2, source: scenario('default'), fileName: 'default.yaml', user: { ...emptyUser(), bookmarks: [{ step: run.totalSteps + 5, label: 'far' }] } });
    expect(r.type).toBe('error');
    if (r.type === 'error') expect(r.diagnostics[0]).toMatchObject({ path: 'bookmarks[0].step', message: expect.stringMatching(/past the run's last step/) });
  }, 60_000);
});

function emptyUser() {
  return { cursor: 0, path: [], breakpoints: [], bookmarks: [], notes: [], tours: [], view: { layout: null, settings: {} } };
}
