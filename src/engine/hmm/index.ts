/** The HMM model: the Hmm entry point, its kinds, pseudo-code, views and invariants. */

export { Hmm, CPU, DEFAULT_HMM_COSTS, copyNs, type HmmCosts, type HmmOptions, type LinkCost } from './hmm';
export type { MigrateResult } from './migrate';
export { HK, HmmDir, HMM_DIR_NAMES, HmmDecline, HMM_DECLINE_NAMES, HmmErr, HMM_ERR_NAMES, MmuNotify, MMU_NOTIFY_NAMES, HMM_COUNTERS } from './kinds';
export {
  DEFAULT_CHUNK_PAGES,
  DEVMEM_CHUNK_SIZE,
  DEVICE_FRAME_BASE,
  MIGRATE_PFN,
  MIGRATE_PFN_SHIFT,
  MIGRATE_WINDOW_PAGES,
  SELECT,
  DPT_XA_TAG_ATOMIC,
  DPT_XA_TAG_WRITE,
  describeMpfn,
  describePtEntry,
  migratePfn,
  mpfnFlags,
  mpfnFrame,
  mpfnPage,
} from './state';
export {
  hmmView,
  deviceView,
  mirrorView,
  migrateView,
  devicePageView,
  PageState,
  PAGE_STATE_NAMES,
  type HmmView,
  type HmmDeviceView,
  type HmmChunkView,
  type HmmMirrorView,
  type HmmPtEntryView,
  type HmmMigrateView,
  type HmmMigrateEntryView,
  type HmmDevicePageView,
} from './view';
export { hmmInvariants } from './invariants';
