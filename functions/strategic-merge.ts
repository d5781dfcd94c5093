import type { SchemaNode, SchemaSet } from '../shared/openapi/schema.js';
import { schemaForKind } from '../shared/openapi/schema.js';
import type { ResourceType } from '../shared/registry/resource-type.js';
import { acceptsStrategicMergePatch } from '../shared/openapi/operations.js';
import { ApiError } from '../shared/status.js';
import { builtinSchemas } from './openapi/builtin-schemas.js';

/** The schema a strategic merge patch walks: the kind's definition inside its SchemaSet. */
export interface StrategicMergeSchema {
  set: SchemaSet;
  root: SchemaNode;
}

/** What a `/scale` PATCH body is, whatever the parent kind. */
const SCALE = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

/** kube-apiserver's patch types for custom resources: no strategic merge patch there. */
const CUSTOM_RESOURCE_PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

/**
 * The schema for a strategic merge patch of `type` at `version` (or of its `/scale`), from
 * upstream's built-in definitions. Custom resources (CRDs, and Karmada's kinds, as in a real
 * Karmada) have no patch strategies, so kube-apiserver answers 415 and so do we; the served
 * OpenAPI documents advertise the same rule.
 */
export async function strategicMergeSchema(type: ResourceType, version: string, subresource?: 'scale'): Promise<StrategicMergeSchema> {
  const set = await builtinSchemas();
  const own = acceptsStrategicMergePatch(type) ? schemaForKind(set, type.group, version, type.kind) : undefined;
  const root = own && subresource === 'scale' ? schemaForKind(set, SCALE.group, SCALE.version, SCALE.kind) : own;
  if (!root) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${CUSTOM_RESOURCE_PATCH_TYPES.join(', ')}`,
    );
  }
  return { set, root };
}
