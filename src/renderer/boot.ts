/**
 * The renderer's entry: it starts the engine on the first scenario, then loads the app. The app's code (React, the
 * dock, every panel: most of the start-up JavaScript) is fetched and evaluated while the engine's worker starts and
 * runs the scenario. Why a separate module and an import(): a Worker begins to load only once the task that made it
 * ends, so a worker made inside one big module's evaluation waits for all of it (measured: its script compiled at
 * ~450 ms instead of ~180 ms).
 */
import { loadInitialScenario } from './state/initial-load';

loadInitialScenario();
void import('./main');
