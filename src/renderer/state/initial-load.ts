/**
 * The scenario the app opens on: the default, or the built-in that `?scenario=` names. Its load is the first thing
 * the renderer does (boot.ts), before the app's own code is even evaluated, so that the engine's worker is fetched,
 * compiled and running the scenario while React renders the shell; the App's mount asks again, which does nothing
 * once a load has begun.
 */
import { BUILTIN_SCENARIOS, DEFAULT_SCENARIO } from '../scenarios';
import { useDebugger } from './store';

function initialScenario() {
  const wanted = new URLSearchParams(window.location.search).get('scenario');
  return BUILTIN_SCENARIOS.find((s) => s.file === wanted || s.file === `${wanted}.yaml`) ?? DEFAULT_SCENARIO;
}

/** Load the first scenario, once. */
export function loadInitialScenario(): void {
  const s = initialScenario();
  if (s && useDebugger.getState().status === 'idle') void useDebugger.getState().load(s.source, s.file);
}
