import type { SchemaNode, SchemaSet } from '../openapi/schema.js';
import type { Registry } from '../registry/index.js';
import type { ResourceType } from '../registry/resource-type.js';
import type { JSONSchemaProps } from './types.js';

const OBJECT_META = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

const API_VERSION_DESCRIPTION =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DESCRIPTION =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const METADATA_DESCRIPTION =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DESCRIPTION = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** The definition name upstream gives a CRD's kind: the group reversed, then version and kind (com.example.stable.v1.CronTab). */
export function customResourceDefinitionName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

const SCALAR_KEYS = ['type', 'format', 'description', 'default', 'nullable', 'required', 'enum'] as const;
const EXTENSION_KEYS = [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
] as const;

/**
 * A CRD schema node in the shared schema model. Only the structural part is carried
 * (types, fields, lists and maps, defaults, descriptions, extensions): what merge, apply,
 * pruning-aware field validation and `kubectl explain` need.
 */
export function toSchemaNode(s: JSONSchemaProps, embedded = false): SchemaNode {
  const node: SchemaNode = {};
  const out = node as Record<string, unknown>;
  for (const k of SCALAR_KEYS) if (s[k] !== undefined) out[k] = structuredClone(s[k]);
  for (const k of EXTENSION_KEYS) if (s[k] !== undefined) out[k] = structuredClone(s[k]);
  if (s.properties) {
    node.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toSchemaNode(v, v['x-kubernetes-embedded-resource'] === true)]));
  }
  if (s.items && !Array.isArray(s.items)) node.items = toSchemaNode(s.items, s.items['x-kubernetes-embedded-resource'] === true);
  if (s.additionalProperties !== undefined) {
    node.additionalProperties = typeof s.additionalProperties === 'boolean' ? s.additionalProperties : toSchemaNode(s.additionalProperties);
  }
  if (embedded) withKubeNative(node);
  return node;
}

/** Every resource (root or embedded) has apiVersion, kind and ObjectMeta, whatever its schema says. */
function withKubeNative(node: SchemaNode): void {
  node.type = 'object';
  node.properties = {
    ...(node.properties ?? {}),
    apiVersion: { type: 'string', description: API_VERSION_DESCRIPTION },
    kind: { type: 'string', description: KIND_DESCRIPTION },
    metadata: { $ref: OBJECT_META, description: METADATA_DESCRIPTION },
  };
}

export interface CustomResourceSchemas {
  /** Definitions of every served version of every custom kind, and of their lists. */
  definitions: Record<string, SchemaNode>;
  /** `${group}/${version}/${kind}` → definition name, for kinds and list kinds. */
  byGroupVersionKind: Map<string, string>;
}

/** Whether a registry entry is a kind a CRD defines (custom resources take no strategic merge patch). */
export function isCustomResourceType(type: ResourceType): boolean {
  return type.customResource !== undefined;
}

/** The schema model of every custom kind in the registry, for /openapi/v2, /openapi/v3, apply and explain. */
export function customResourceSchemas(registry: Registry): CustomResourceSchemas {
  const definitions: Record<string, SchemaNode> = {};
  const byGroupVersionKind = new Map<string, string>();
  for (const type of registry.all()) {
    const info = type.customResource;
    if (!info) continue;
    for (const version of type.versions) {
      const v = info.versions[version];
      const name = customResourceDefinitionName(type.group, version, type.kind);
      const listName = customResourceDefinitionName(type.group, version, info.listKind);
      const node = v?.schema ? toSchemaNode(v.schema) : { type: 'object' as const, 'x-kubernetes-preserve-unknown-fields': true };
      withKubeNative(node);
      node['x-kubernetes-group-version-kind'] = [{ group: type.group, version, kind: type.kind }];
      definitions[name] = node;
      definitions[listName] = {
        description: `${info.listKind} is a list of ${type.kind}`,
        type: 'object',
        required: ['items'],
        properties: {
          apiVersion: { type: 'string', description: API_VERSION_DESCRIPTION },
          items: {
            type: 'array',
            description: `List of ${type.resource}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
            items: { $ref: `#/definitions/${name}` },
          },
          kind: { type: 'string', description: KIND_DESCRIPTION },
          metadata: { $ref: LIST_META, description: LIST_METADATA_DESCRIPTION },
        },
        'x-kubernetes-group-version-kind': [{ group: type.group, version, kind: info.listKind }],
      };
      byGroupVersionKind.set(`${type.group}/${version}/${type.kind}`, name);
      byGroupVersionKind.set(`${type.group}/${version}/${info.listKind}`, listName);
    }
  }
  return { definitions, byGroupVersionKind };
}

/** The built-in schema set plus every custom kind of this registry (custom kinds never shadow built-ins). */
export function withCustomResourceSchemas(base: SchemaSet, registry: Registry): SchemaSet {
  const custom = customResourceSchemas(registry);
  if (custom.byGroupVersionKind.size === 0) return base;
  return {
    definitions: { ...custom.definitions, ...base.definitions },
    definitionFor: (group, version, kind) => base.definitionFor(group, version, kind) ?? custom.byGroupVersionKind.get(`${group}/${version}/${kind}`),
  };
}
