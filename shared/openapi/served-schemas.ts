import type { Registry } from '../registry/index.js';
import { servedKinds, type GroupVersionKind } from './operations.js';
import type { SchemaNode, SchemaSet } from './schema.js';

const META = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1';

/**
 * A kind with no schema yet (a CRD without one, a kind whose schema is still to come) is still
 * published, as an object that keeps whatever it is given: kubectl looks for every kind it
 * sends in the documents and refuses to create one it cannot find.
 */
function opaqueKind(gvk: GroupVersionKind): SchemaNode {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { $ref: `${META}.ObjectMeta` },
    },
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': [gvk],
  };
}

/** A `<Kind>List` as upstream publishes it for custom resources. */
function listOf(item: string, itemKind: string, gvk: GroupVersionKind): SchemaNode {
  return {
    description: `${gvk.kind} is a list of ${itemKind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      items: { type: 'array', items: { $ref: `#/definitions/${item}` } },
      kind: { type: 'string' },
      metadata: { $ref: `${META}.ListMeta` },
    },
    'x-kubernetes-group-version-kind': [gvk],
  };
}

/**
 * The SchemaSet the documents are rendered from: `set` plus a definition for every served
 * kind and list it lacks, named as kube-apiserver names CRDs' (`io.karmada.policy.v1alpha1.X`).
 */
export function withServedSchemas(registry: Registry, set: SchemaSet): SchemaSet {
  const added: Record<string, SchemaNode> = {};
  const byGvk = new Map<string, string>();
  for (const k of servedKinds(registry, set)) {
    if (!set.definitionFor(k.gvk.group, k.gvk.version, k.gvk.kind) && !set.definitions[k.definition]) {
      added[k.definition] = opaqueKind(k.gvk);
      byGvk.set(`${k.gvk.group}/${k.gvk.version}/${k.gvk.kind}`, k.definition);
    }
    const listGvk = { ...k.gvk, kind: `${k.gvk.kind}List` };
    if (!set.definitionFor(listGvk.group, listGvk.version, listGvk.kind) && !set.definitions[k.listDefinition]) {
      added[k.listDefinition] = listOf(k.definition, k.gvk.kind, listGvk);
      byGvk.set(`${listGvk.group}/${listGvk.version}/${listGvk.kind}`, k.listDefinition);
    }
  }
  if (!byGvk.size) return set;
  return {
    definitions: { ...set.definitions, ...added },
    definitionFor: (group, version, kind) => set.definitionFor(group, version, kind) ?? byGvk.get(`${group}/${version}/${kind}`),
  };
}
