/**
 * The engine's version. Sessions record it, and `uvmscope run --json` reports it as `engine_version`, so a result
 * can be traced to the model that produced it. The engine cannot read package.json (it runs without Node), so the
 * number lives here; keep it equal to package.json's `version` (test/cli checks that it is).
 */
export const ENGINE_VERSION = '0.1.0';
