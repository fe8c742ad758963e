/**
 * The scenario format as data, for the scenario editor's completion: every map of a
 * scenario (the top level, machine, GPUs, link, policy, regions, accesses…) and every step
 * op with the keys it takes, which are required, and what their values are (a size, a
 * region's name, one of a few words…). The host derives it from the engine's own parser,
 * so it follows the format as it grows; it does not depend on the loaded run.
 */

/** What a field's value is, as far as completion cares. */
export type SchemaValueKind =
  /** one of `values` */
  | 'enum'
  /** bytes: 4096, 64KiB, 2MiB */
  | 'size'
  /** nanoseconds: 2670, 2.67us */
  | 'duration'
  /** 47.7GB/s */
  | 'bandwidth'
  | 'number'
  /** the name of a region of the scenario (`regionKind` narrows it for ops that need one kind) */
  | 'region'
  /** the name of one of the scenario's GPUs */
  | 'gpu'
  /** `cpu` or a GPU's name */
  | 'processor'
  | 'list'
  | 'map'
  /** free text, or anything the editor offers nothing for */
  | 'text';

export interface SchemaField {
  readonly name: string;
  readonly kind: SchemaValueKind;
  /** The words it takes (enums; also a link's presets, whose field may be a map instead). */
  readonly values?: readonly string[];
  readonly required: boolean;
  /** What the parser says it takes when it is missing, e.g. `the name of a file region`. */
  readonly help?: string;
}

/** The maps of a scenario other than steps, named by where they sit. */
export type SchemaMapName = 'scenario' | 'machine' | 'gpu' | 'cpu' | 'link' | 'copy' | 'costs' | 'policy' | 'region' | 'access';

export interface SchemaOp {
  /** `gpu.kernel`, `gaia.maquire`… */
  readonly op: string;
  /** Its keys other than `op`, in the order the format lists them. */
  readonly fields: readonly SchemaField[];
  /** The kind of region it needs (`file` for gaia.*), when it needs one kind. */
  readonly regionKind?: string;
  /** The field of its one-key short form (`- note: text` → `text`), when it has one. */
  readonly shortForm?: string;
}

export interface SchemaResult {
  readonly view: 'schema';
  readonly maps: Readonly<Record<SchemaMapName, readonly SchemaField[]>>;
  readonly ops: readonly SchemaOp[];
  /** `managed`, `file`, `anonymous`, `device`. */
  readonly regionKinds: readonly string[];
  /** The GPU a scenario has when it names none (`gpu0`). */
  readonly defaultGpu: string;
}

export type SchemaQuery = { readonly view: 'schema' };
