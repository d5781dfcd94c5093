/**
 * Unknown fields, per a kind's schema: what kube-apiserver's strict decoding reports and its
 * decoding drops. A built-in kind decodes into Go structs, so a field the schema does not
 * declare never reaches storage; `fieldValidation` only decides whether the client hears of it
 * (Strict: 400, Warn: a Warning header, Ignore: nothing).
 */
import { resolveRef, type SchemaNode, type SchemaSet } from './schema.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';
export const FIELD_VALIDATION_VALUES: readonly FieldValidation[] = ['Ignore', 'Strict', 'Warn'];

/** sigs.k8s.io/json stops collecting strict errors at 100; so do we (pruning goes on). */
export const MAX_STRICT_ERRORS = 100;

export interface PruneResult {
  /** A copy without the unknown fields (the input is not changed). */
  value: unknown;
  /** Paths of the dropped fields, as upstream words them: `spec.template.spec.containers[0].foo`. */
  unknownFields: string[];
}

/** Fields every embedded resource (x-kubernetes-embedded-resource) has without declaring them. */
const EMBEDDED_RESOURCE_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Upstream's strict-error path: `a.b`, `a[0].b`; a top-level field is its bare name. */
export function childPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** What a key of an object at `node` is: a declared field, a map entry, anything, or unknown. */
export type FieldSchema = { kind: 'known'; node: SchemaNode | undefined } | { kind: 'unknown' };

export function fieldSchema(node: SchemaNode, key: string): FieldSchema {
  // Own keys only: a body's `constructor` or `__proto__` is not a declared field.
  const declared = node.properties && Object.hasOwn(node.properties, key) ? node.properties[key] : undefined;
  if (declared) return { kind: 'known', node: declared };
  const additional = node.additionalProperties;
  if (typeof additional === 'object') return { kind: 'known', node: additional };
  if (additional === true || node['x-kubernetes-preserve-unknown-fields'] === true) return { kind: 'known', node: undefined };
  if (node['x-kubernetes-embedded-resource'] === true && EMBEDDED_RESOURCE_FIELDS.has(key)) return { kind: 'known', node: undefined };
  // An object schema that declares nothing (RawExtension, FieldsV1) holds arbitrary JSON.
  if (!node.properties) return { kind: 'known', node: undefined };
  return { kind: 'unknown' };
}

function prune(set: SchemaSet, raw: SchemaNode | undefined, value: unknown, path: string, unknown: string[]): unknown {
  const node = resolveRef(set, raw);
  if (!node) return value;
  if (Array.isArray(value)) {
    if (!node.items) return value;
    return value.map((item, i) => prune(set, node.items, item, `${path}[${i}]`, unknown));
  }
  if (!isPlainObject(value)) return value;
  // A value that is not an object where the schema says it is (or is int-or-string) is not
  // ours to judge here; decoding its type is another check's job.
  if (node.type !== undefined && node.type !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const field = fieldSchema(node, key);
    const at = childPath(path, key);
    if (field.kind === 'unknown') {
      if (unknown.length < MAX_STRICT_ERRORS) unknown.push(at);
      continue;
    }
    // defineProperty, not assignment: a `__proto__` key must stay data, not become the prototype.
    Object.defineProperty(out, key, { value: prune(set, field.node, child, at, unknown), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Drops what `schema` does not declare from `value`, saying where. */
export function pruneUnknownFields(set: SchemaSet, schema: SchemaNode, value: unknown): PruneResult {
  const unknownFields: string[] = [];
  return { value: prune(set, schema, value, '', unknownFields), unknownFields };
}

/** The strict-decoding violations of one body, worded as sigs.k8s.io/json words them. */
export function strictErrors(unknownFields: readonly string[], duplicateFields: readonly string[]): string[] {
  // A duplicate of a field that is itself unknown (or inside one) is reported once, as unknown.
  const underUnknown = (p: string): boolean => unknownFields.some((u) => p === u || p.startsWith(`${u}.`) || p.startsWith(`${u}[`));
  const out = [...unknownFields.map((p) => `unknown field "${p}"`), ...duplicateFields.filter((p) => !underUnknown(p)).map((p) => `duplicate field "${p}"`)];
  return [...new Set(out)].slice(0, MAX_STRICT_ERRORS);
}

/** runtime.NewStrictDecodingError's message. */
export function strictDecodingMessage(errors: readonly string[]): string {
  return `strict decoding error: ${errors.join(', ')}`;
}
