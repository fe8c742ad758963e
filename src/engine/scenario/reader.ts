/**
 * A thin layer over yaml's document tree that keeps every value's position. We read the tree (not the plain
 * JavaScript that toJS gives) so that each message can point at the exact node: the key of an unknown key, the
 * value of a bad value, the map that lacks a required field. Keys live in a Map, never in an object, so `__proto__`
 * or `constructor` in a file are only unknown keys.
 */
import { z } from 'zod';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Scalar,
  visit,
  type Alias,
  type Document,
  type LineCounter,
  type Node,
} from 'yaml';
import { describeValue, didYouMean, type ErrorSink, type Path } from './errors';
import { zodMessage } from './fields';
import type { SourceLoc } from './types';

export interface Entry {
  key: Node;
  value: Node;
}

/** `? key` with no value, or `{key}` in flow style: an empty value, placed at its key so messages can point at it. */
function emptyValueAt(key: Node): Node {
  const empty = new Scalar(null);
  empty.range = key.range ?? null;
  return empty;
}

/** A map node whose keys were checked against the allowed ones. */
export interface MapView {
  node: Node;
  path: Path;
  entries: Map<string, Entry>;
}

export type Fields = Readonly<Record<string, z.ZodType>>;
export type FieldValues<F extends Fields> = { -readonly [K in keyof F]?: z.output<F[K]> };

export class Reader {
  private readonly aliases = new Map<Alias, Node | null>();

  constructor(
    private readonly lineCounter: LineCounter,
    readonly sink: ErrorSink,
  ) {}

  /**
   * Resolves every alias to its anchor once, in document order (an alias refers to the last anchor of that name
   * before it). yaml's own Alias.resolve walks the whole document per call, which a file of many aliases would
   * turn quadratic. Returns false, having reported them, when some alias names no earlier anchor.
   */
  resolveAliases(doc: Document.Parsed): boolean {
    const anchors = new Map<string, Node>();
    let ok = true;
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          const target = anchors.get(node.source) ?? null;
          this.aliases.set(node, target);
          if (!target) {
            ok = false;
            this.error(node, [], `alias *${node.source} refers to no anchor &${node.source} defined before it`);
          }
        } else if (node.anchor) {
          anchors.set(node.anchor, node);
        }
      },
    });
    return ok;
  }

  /** The node an alias stands for, or the node itself. */
  deref(node: unknown): Node | null {
    if (isAlias(node)) return this.aliases.get(node) ?? null;
    return isScalar(node) || isMap(node) || isSeq(node) ? node : null;
  }

  loc(node: Node | null | undefined, fallback?: SourceLoc): SourceLoc {
    const offset = node?.range?.[0];
    if (offset === undefined) return fallback ?? { line: 1, col: 1 };
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, col };
  }

  error(node: Node | null | undefined, path: Path, message: string): void {
    this.sink.add(this.loc(node), path, message);
  }

  /** A scalar's value; lists and maps become [] and {} so that messages can say "got a list". */
  js(node: Node | null | undefined): unknown {
    const n = this.deref(node);
    if (n === null) return node === undefined ? undefined : null;
    if (isScalar(n)) return n.value;
    if (isSeq(n)) return [];
    return {};
  }

  /**
   * Reads a map, reporting a node that is not one and every key outside `allowed` (with the closest allowed key).
   * `what` names the thing for messages: "a GPU", "the machine".
   */
  map(node: Node | null | undefined, path: Path, allowed: readonly string[], what: string): MapView | null {
    const n = this.deref(node);
    if (!isMap(n)) {
      const got = describeValue(this.js(node));
      this.error(n ?? node, path, `expected ${what} (a map with ${allowed.join(', ')}), got ${got}`);
      return null;
    }
    const entries = new Map<string, Entry>();
    for (const pair of n.items) {
      const keyNode = this.deref(pair.key);
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.error(keyNode ?? n, path, `keys must be plain names; allowed keys here: ${allowed.join(', ')}`);
        continue;
      }
      const value = (pair.value as Node | null) ?? emptyValueAt(keyNode);
      const key = String(keyNode.value);
      if (!allowed.includes(key)) {
        this.error(
          keyNode,
          [...path, key],
          `unknown key \`${key}\` in ${what} (allowed: ${allowed.join(', ')})${didYouMean(key, allowed)}`,
        );
        continue;
      }
      // yaml's uniqueKeys already refused duplicates; a key reached twice through an alias keeps the first.
      if (!entries.has(key)) entries.set(key, { key: keyNode, value });
    }
    return { node: n, path, entries };
  }

  /** Reads a list, reporting a node that is not one; items come back with aliases resolved. */
  seq(node: Node | null | undefined, path: Path, what: string): Node[] | null {
    const n = this.deref(node);
    if (!isSeq(n)) {
      this.error(n ?? node, path, `expected ${what}, got ${describeValue(this.js(node))}`);
      return null;
    }
    return n.items.map((item) => this.deref(item) ?? (item as Node));
  }

  /** Validates one field with its schema; a missing required field is reported at the map. */
  field<S extends z.ZodType>(view: MapView, key: string, schema: S): z.output<S> | undefined {
    const entry = view.entries.get(key);
    const input = entry ? this.js(entry.value) : undefined;
    const result = schema.safeParse(input, { error: zodMessage });
    if (result.success) return result.data;
    const message = result.error.issues[0]?.message ?? 'invalid value';
    if (!entry) this.error(view.node, [...view.path, key], `missing required field \`${key}\`: ${message}`);
    else this.error(entry.value, [...view.path, key], message);
    return undefined;
  }

  /** Validates every field of a record of schemas; each field that fails is reported and left undefined. */
  fields<F extends Fields>(view: MapView, fields: F): FieldValues<F> {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      const schema = fields[key];
      if (schema) out[key] = this.field(view, key, schema);
    }
    return out as FieldValues<F>;
  }

  /** True when one of `keys` is present but its value failed (and was reported): the object is then unusable. */
  anyInvalid(view: MapView, values: Readonly<Record<string, unknown>>, keys: readonly string[]): boolean {
    return keys.some((key) => view.entries.has(key) && values[key] === undefined);
  }

  /** The node of a key's value (for nested reading and for locating messages), or null when the key is absent. */
  valueNode(view: MapView, key: string): Node | null {
    return view.entries.get(key)?.value ?? null;
  }

  /** Where to point a message about `key`: its value when present, else the map. */
  at(view: MapView, key: string): Node {
    return this.valueNode(view, key) ?? view.node;
  }
}
