import { z } from 'zod';

export const ownerReferenceSchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof ownerReferenceSchema>;

/** metav1.ObjectMeta: the fields the control plane itself reads or sets; the rest passes through. */
export const objectMetaSchema = z
  .object({
    name: z.string().optional(),
    generateName: z.string().optional(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    generation: z.number().int().optional(),
    creationTimestamp: z.string().nullable().optional(),
    deletionTimestamp: z.string().nullable().optional(),
    deletionGracePeriodSeconds: z.number().int().optional(),
    labels: z.record(z.string(), z.string()).nullable().optional(),
    annotations: z.record(z.string(), z.string()).nullable().optional(),
    ownerReferences: z.array(ownerReferenceSchema).nullable().optional(),
    finalizers: z.array(z.string()).nullable().optional(),
    managedFields: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
  })
  .passthrough();
export type ObjectMeta = z.infer<typeof objectMetaSchema>;

/** Any Kubernetes object as JSON. Kind-specific schemas refine it; storage treats it as opaque. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Where an object lives in storage: cluster-scoped objects have namespace ''. */
export interface ObjectKey {
  group: string;
  resource: string;
  namespace: string;
  name: string;
}

export function keyString(k: ObjectKey): string {
  return `${k.group}/${k.resource}/${k.namespace}/${k.name}`;
}

export function parseKeyString(s: string): ObjectKey {
  const [group = '', resource = '', namespace = '', ...rest] = s.split('/');
  return { group, resource, namespace, name: rest.join('/') };
}
