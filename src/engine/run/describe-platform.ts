/**
 * Describers for the parts of the model beyond the UVM driver: the page cache, the CPU memory manager, GAIA,
 * gdrcopy, HMM and /dev/nvidia-uvm's files and VMAs. Each registers, for every kind of its subsystem, a describer (describe.ts registerDescriber: the
 * decoded fields and a one-line text) and the same field names for breakpoint conditions (bp-fields.ts
 * registerDecodedFields). run.ts imports this module, so the registrations are in place whenever a Run exists.
 *
 * The correlation prefetcher (uvm/correlation.ts) registers its own describers next to its kinds.
 *
 * Field names per kind: PLATFORM_FIELDS (the tests check every describer against it on real runs).
 */

import { CPU_FIELDS } from './describe-cpu';
import { PAGECACHE_FIELDS } from './describe-pagecache';
import { GAIA_FIELDS, GDR_FIELDS } from './describe-gaia';
import { HMM_FIELDS } from './describe-hmm';
import { UVMDEV_FIELDS } from './describe-uvmdev';

/** The decoded fields of every kind described here, by kind name. */
export const PLATFORM_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ...PAGECACHE_FIELDS,
  ...CPU_FIELDS,
  ...GAIA_FIELDS,
  ...GDR_FIELDS,
  ...HMM_FIELDS,
  ...UVMDEV_FIELDS,
};
