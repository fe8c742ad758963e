/**
 * The scenario format, version 1: parse a YAML scenario into the normalised Scenario the engine runs.
 * docs/scenario-format.md describes every field; types.ts describes the result.
 */
export * from './types';
export { parseScenario, nameFromSource, SCENARIO_VERSION, type ParseResult } from './parse';
export { formatScenarioError, MAX_ERRORS, type ScenarioError } from './errors';
export { parseSize, parseDuration, parseBandwidth, formatSize, SIZE_UNITS, type Parsed } from './sizes';
export { splitmix32, uniformBelow, type Uint32Source } from './prng';
export { expandPattern, ACCESS_OPS, ACCESS_PATTERNS, type AccessShape } from './access';
export { STEP_OPS, STEP_REGION_KIND, ADVICE, GDR_DIRECTIONS, type StepOp } from './steps';
export { REGION_KINDS } from './regions';
export {
  LINK_PRESETS,
  LINK_PRESET_NAMES,
  DEFAULT_COSTS,
  DEFAULT_GPU,
  DEFAULT_CPU_MEMORY,
  DEFAULT_LINK,
  DEFAULT_POLICY,
  DEFAULT_FAULT_WINDOW_PAGES,
  MAX_FAULT_WINDOW_PAGES,
  MAX_GPUS,
  MAX_MEMORY,
  MAX_REGION_SIZE,
  MAX_MANAGED_TOTAL,
  MAX_REGION_TOTAL,
  MAX_CHUNK_INDEX,
  MAX_ACCESS_PAGES,
  MAX_TOTAL_PAGES,
  MAX_INPUT_CHARS,
  MAX_ALIAS_COUNT,
  type LinkPresetName,
} from './defaults';
