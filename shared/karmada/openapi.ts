import { z } from 'zod';
import type { SchemaNode, SchemaSet } from '../openapi/schema.js';
import { karmadaSchemaRegistry } from './common.js';
import { karmadaKindVersions } from './kinds.js';

/**
 * Karmada's kinds as OpenAPI v2 definitions, generated from the same zod schemas admission
 * checks writes with, so `kubectl explain` and validation can never disagree. Definitions
 * are named as Karmada's own OpenAPI names them
 * (com.github.karmada-io.karmada.pkg.apis.policy.v1alpha1.PropagationPolicy); the
 * Kubernetes types they point at (ObjectMeta) are upstream's and are left to the built-in set.
 */

type Json = Record<string, unknown>;

const INT32 = { min: -2147483648, max: 2147483647 };
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON Schema (as zod writes it) → the SchemaNode subset kube publishes. */
function toNode(js: Json): SchemaNode {
  const node: SchemaNode = {};
  if (typeof js.description === 'string') node.description = js.description;
  if (typeof js.$ref === 'string') {
    node.$ref = js.$ref;
    return node;
  }
  const intOrString = js['x-kubernetes-int-or-string'] === true;
  const preserve = js['x-kubernetes-preserve-unknown-fields'] === true;
  if (typeof js.type === 'string' && !intOrString) node.type = js.type as NonNullable<SchemaNode['type']>;
  if (js.type === 'integer') {
    node.format = js.minimum === INT32.min && js.maximum === INT32.max ? 'int32' : 'int64';
  }
  if (typeof js.format === 'string') node.format = js.format;
  if (Array.isArray(js.enum)) node.enum = [...js.enum];
  if (js.default !== undefined) node.default = structuredClone(js.default);
  if (isObj(js.properties)) {
    node.properties = Object.fromEntries(Object.entries(js.properties).map(([k, v]) => [k, toNode(v as Json)]));
  }
  if (Array.isArray(js.required) && js.required.length) node.required = [...(js.required as string[])];
  if (isObj(js.additionalProperties) && !preserve) node.additionalProperties = toNode(js.additionalProperties);
  if (isObj(js.items)) node.items = toNode(js.items);
  if (Array.isArray(js.anyOf) && !intOrString) node.anyOf = js.anyOf.map((a) => toNode(a as Json));
  if (intOrString) node['x-kubernetes-int-or-string'] = true;
  if (preserve) node['x-kubernetes-preserve-unknown-fields'] = true;
  if (js['x-kubernetes-embedded-resource'] === true) node['x-kubernetes-embedded-resource'] = true;
  return node;
}

let cached: SchemaSet | undefined;

/** The definitions of every served Karmada kind and version, indexed by group/version/kind. */
export function karmadaSchemaSet(): SchemaSet {
  if (cached) return cached;
  const generated = z.toJSONSchema(karmadaSchemaRegistry, {
    target: 'openapi-3.0',
    io: 'input',
    uri: (id) => `#/definitions/${id}`,
  }) as { schemas: Record<string, Json> };
  const definitions: Record<string, SchemaNode> = {};
  for (const [name, js] of Object.entries(generated.schemas)) {
    if (name.startsWith('io.k8s.')) continue;
    definitions[name] = toNode(js);
  }
  const byGvk = new Map<string, string>();
  for (const k of karmadaKindVersions) {
    const id = karmadaSchemaRegistry.get(k.schema)?.id;
    const def = id ? definitions[id] : undefined;
    if (!id || !def) continue;
    def['x-kubernetes-group-version-kind'] = [{ group: k.group, version: k.version, kind: k.kind }];
    byGvk.set(`${k.group}/${k.version}/${k.kind}`, id);
  }
  cached = { definitions, definitionFor: (group, version, kind) => byGvk.get(`${group}/${version}/${kind}`) };
  return cached;
}
