/**
 * Completion for scenarios: op names (`- gaia.` offers gaia.map, gaia.maquire…, inserting
 * the op with its required fields to tab through), the keys a map or an op takes, and the
 * values a key takes — enum words (patterns, access ops, advice, link presets…), the
 * scenario's own region names (only file regions where an op needs one) and GPU names. The
 * format comes from the host's `schema` view; where the cursor is comes from
 * yaml-context.ts. Pure apart from CodeMirror's state: unit-tested in Node.
 */
import { snippetCompletion, type Completion, type CompletionContext, type CompletionResult, type CompletionSource } from '@codemirror/autocomplete';
import type { SchemaField, SchemaOp, SchemaResult, SchemaValueKind } from '../../../protocol';
import { documentNames } from './names';
import { cursorContext, mapName, type CursorContext } from './yaml-context';

/** The words completion shows around its options, translated by the panel. */
export interface CompletionTexts {
  /** `size`, `region`, `one of 3`… for a field's value kind. */
  kind(kind: SchemaValueKind, field: SchemaField): string;
  required: string;
  /** Detail of an op: its fields, e.g. `region, offset, length, gpu`. */
  opFields(op: SchemaOp): string;
  /** Detail of a region offered as a value: its kind. */
  regionKind(kind: string): string;
  processor: string;
  defaultGpu: string;
}

const VALID = /^[\w.-]*$/;

function fieldsOf(schema: SchemaResult, ctx: CursorContext): { fields: readonly SchemaField[]; op: SchemaOp | null } | null {
  const name = mapName(ctx.map.path);
  if (!name) return null;
  if (name === 'step') {
    const opName = ctx.map.entries.get('op');
    const op = schema.ops.find((o) => o.op === opName) ?? null;
    return { fields: op?.fields ?? [], op };
  }
  return { fields: schema.maps[name] ?? [], op: null };
}

/** A placeholder for a required field in an op's snippet: a nested map gets its own required keys. */
function placeholder(schema: SchemaResult, f: SchemaField): string {
  if (f.kind === 'map') {
    const nested = (schema.maps as Readonly<Record<string, readonly SchemaField[]>>)[f.name];
    const inner = nested?.filter((n) => n.required).map((n) => `${n.name}: \${${n.name}}`).join(', ');
    return inner ? `{ ${inner} }` : `{ \${${f.name}} }`;
  }
  if (f.kind === 'list') return `[\${${f.name}}]`;
  return `\${${f.name}}`;
}

/** An op with its required fields, as snippet text: `op: gaia.maquire, region: ${region}`. */
export function opSnippet(schema: SchemaResult, op: SchemaOp): string {
  if (op.shortForm) return `${op.op}: \${${op.shortForm}}`;
  const required = op.fields.filter((f) => f.required);
  // gpu.kernel takes exactly one of `access` and `accesses`: offer the one access
  const shown = required.filter((f, i) => !(f.name === 'accesses' && required.some((g, j) => j !== i && g.name === 'access')));
  return ['op: ' + op.op, ...shown.map((f) => `${f.name}: ${placeholder(schema, f)}`)].join(', ');
}

function opOptions(schema: SchemaResult, texts: CompletionTexts, wrap: boolean): Completion[] {
  return schema.ops.map((op) => {
    const body = opSnippet(schema, op);
    // `${}` is where the cursor ends after the last field
    const template = op.shortForm ? body : wrap ? `{ ${body} }\${}` : `${body}\${}`;
    return snippetCompletion(template, {
      label: op.op,
      type: 'function',
      detail: texts.opFields(op),
      boost: 2,
    });
  });
}

function keyOptions(fields: readonly SchemaField[], present: ReadonlyMap<string, string>, texts: CompletionTexts): Completion[] {
  return fields
    .filter((f) => !present.has(f.name))
    .map((f) => {
      const info = [f.help, f.values && f.values.length > 3 ? f.values.join(', ') : ''].filter(Boolean).join('\n');
      return {
        label: f.name,
        type: 'property',
        apply: `${f.name}: `,
        detail: f.required ? `${texts.required} · ${texts.kind(f.kind, f)}` : texts.kind(f.kind, f),
        ...(info ? { info } : {}),
        boost: f.required ? 1 : 0,
      };
    });
}

function valueOptions(schema: SchemaResult, field: SchemaField, op: SchemaOp | null, ctx: CompletionContext, texts: CompletionTexts): Completion[] {
  const names = documentNames(ctx.state.doc);
  const gpus = names.gpus.length > 0 ? names.gpus : [schema.defaultGpu];
  const gpuDetail = names.gpus.length > 0 ? undefined : texts.defaultGpu;
  switch (field.kind) {
    case 'enum':
      return (field.values ?? []).map((v) => ({ label: v, type: 'enum' }));
    case 'region': {
      const wanted = op?.regionKind;
      const fitting = wanted ? names.regions.filter((r) => r.kind === wanted) : names.regions;
      return (fitting.length > 0 ? fitting : names.regions).map((r) => ({ label: r.name, type: 'variable', detail: texts.regionKind(r.kind) }));
    }
    case 'gpu':
      return gpus.map((g) => ({ label: g, type: 'variable', ...(gpuDetail ? { detail: gpuDetail } : {}) }));
    case 'processor':
      return [{ label: 'cpu', type: 'variable', detail: texts.processor }, ...gpus.map((g) => ({ label: g, type: 'variable', ...(gpuDetail ? { detail: gpuDetail } : {}) }))];
    default:
      return [];
  }
}

/** The completion source; `schema()` and `words()` are read at each request (the schema is null until the host has answered). */
export function scenarioCompletion(schema: () => SchemaResult | null, words: () => CompletionTexts): CompletionSource {
  return (ctx: CompletionContext): CompletionResult | null => {
    const s = schema();
    if (!s) return null;
    const texts = words();
    const where = cursorContext(ctx.state.doc, ctx.pos);
    if (!where) return null;
    const typed = ctx.state.sliceDoc(where.from, ctx.pos);
    // without an explicit request, wait for a first character
    if (!ctx.explicit && typed === '') return null;
    const found = fieldsOf(s, where);
    if (!found) return null;
    const isStep = mapName(where.map.path) === 'step';
    let options: Completion[];
    if (where.kind === 'key') {
      options = keyOptions(found.fields, where.map.entries, texts);
      if (isStep && !where.map.entries.has('op')) {
        const opField: SchemaField = { name: 'op', kind: 'enum', values: s.ops.map((o) => o.op), required: true };
        options = [
          ...keyOptions([opField], where.map.entries, texts),
          // the op itself, with its required fields: in a `{ … }` as entries, at a bare `- ` as a whole map
          ...(where.flow ? opOptions(s, texts, false) : where.itemStart ? opOptions(s, texts, true) : []),
        ];
      }
    } else {
      if (isStep && where.key === 'op') {
        options = s.ops.map((o) => ({ label: o.op, type: 'function', detail: texts.opFields(o) }));
      } else {
        const field = found.fields.find((f) => f.name === where.key);
        if (!field) return null;
        options = valueOptions(s, field, found.op, ctx, texts);
      }
    }
    if (options.length === 0) return null;
    return { from: where.from, options, validFor: VALID };
  };
}
