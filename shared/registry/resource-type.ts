import { z } from 'zod';
import type { CustomResourceInfo } from '../crd/types.js';

export const verbSchema = z.enum(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
export type Verb = z.infer<typeof verbSchema>;

/** Subresources Flotilla serves; only these are advertised, so kubectl never finds a route that 404s. */
export const subresourceSchema = z.enum(['status', 'scale', 'token', 'finalize']);
export type Subresource = z.infer<typeof subresourceSchema>;

/**
 * A selectable field: `from` is the object path when it differs from the selector name
 * (events' `source` reads `source.component`), `default` what upstream reports when the
 * field is unset (a ReplicaSet without status selects as `status.replicas=0`).
 */
export const selectableFieldSchema = z.object({
  from: z.string().optional(),
  default: z.string().optional(),
});

/** kube-apiserver's name rules differ per kind; these are the ones built-in kinds use. */
export const nameRuleSchema = z.enum(['dns1123Subdomain', 'dns1123Label', 'dns1035Label', 'pathSegment']);
export type NameRule = z.infer<typeof nameRuleSchema>;

/**
 * One served resource: everything discovery advertises and every per-kind rule the generic
 * handlers apply (the registry is data; the handlers never switch on a kind's name).
 */
export const resourceTypeSchema = z.object({
  group: z.string(),
  /** Served versions, preferred first. */
  versions: z.array(z.string()).min(1),
  /** The version objects are stored in; defaults to the preferred one. */
  storageVersion: z.string().optional(),
  resource: z.string(),
  kind: z.string(),
  singular: z.string(),
  shortNames: z.array(z.string()).default([]),
  categories: z.array(z.string()).default([]),
  namespaced: z.boolean(),
  verbs: z.array(verbSchema),
  subresources: z.array(subresourceSchema).default([]),
  selectableFields: z.record(z.string(), selectableFieldSchema).default({}),
  /** Whether metadata.generation is kept, and what bumps it (deployments count annotations too). */
  generation: z.enum(['none', 'spec', 'spec+annotations']).default('none'),
  nameRule: nameRuleSchema.default('dns1123Subdomain'),
  /** PUT to a missing object creates it (upstream's AllowCreateOnUpdate). */
  allowCreateOnUpdate: z.boolean().default(false),
  /** Status a create starts from when the kind has a status subresource (client status is dropped). */
  initialStatus: z.record(z.string(), z.unknown()).optional(),
  /** Nodes register with their status: upstream keeps it on create. */
  keepStatusOnCreate: z.boolean().default(false),
  /** batch/v1 Jobs orphan their pods unless told otherwise, for backwards compatibility. */
  defaultPropagation: z.enum(['Background', 'Orphan']).default('Background'),
  /** Whether an immediate DELETE answers with the object (pods, services, namespaces) or a Status. */
  returnDeletedObject: z.boolean().default(false),
  /** Not stored: a review whose create computes an answer (SelfSubjectAccessReview…). */
  virtual: z.boolean().default(false),
  /** Key into the Table printers (shared/table.ts); undefined uses Name and Age. */
  printer: z.string().optional(),
  /** Set for kinds a CustomResourceDefinition defines: schemas, subresource paths, columns (shared/crd/). */
  customResource: z.custom<CustomResourceInfo>((v) => typeof v === 'object' && v !== null).optional(),
});

export type ResourceType = z.infer<typeof resourceTypeSchema>;
export type ResourceTypeInput = z.input<typeof resourceTypeSchema>;

export function storageVersionOf(t: ResourceType): string {
  return t.storageVersion ?? t.versions[0]!;
}

export function groupVersionString(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
