import { z } from 'zod';
import { objectMetaSchema } from '../object.js';

/**
 * Building blocks every Karmada kind shares: Kubernetes types Karmada embeds (label
 * selectors, tolerations, taints, conditions, quantities) and Karmada's own cluster
 * affinity and resource selector. Descriptions become `kubectl explain` text.
 */

/**
 * Ids of the definitions the OpenAPI document names. Only kinds (and the metadata they
 * all point at) get an id; everything below a kind is inlined, as kube-apiserver publishes
 * CRD schemas, so each field keeps its own description.
 */
export const karmadaSchemaRegistry = z.registry<{ id: string }>();

export const OBJECT_META_DEFINITION = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
export const LIST_META_DEFINITION = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

/** Metadata passes through untouched (labels, annotations, managedFields…); the store owns it. */
export const objectMeta = objectMetaSchema;
karmadaSchemaRegistry.add(objectMeta, { id: OBJECT_META_DEFINITION });

export const listMeta = z.object({
  resourceVersion: z.string().optional(),
  continue: z.string().optional(),
  remainingItemCount: z.int().optional(),
});
karmadaSchemaRegistry.add(listMeta, { id: LIST_META_DEFINITION });

export const int32 = (): z.ZodInt32 => z.int32();
/** int64 in Go; JSON numbers are exact up to 2^53, which is where zod's int stops too. */
export const int64 = (): z.ZodInt => z.int();

export const apiVersionField = z
  .string()
  .optional()
  .describe('The versioned schema of this representation of the object (group/version); the server converts between versions it serves.');
export const kindField = z.string().optional().describe('The REST resource this object represents, in CamelCase.');

export const timestamp = (description: string): z.ZodOptional<z.ZodString> =>
  z.string().meta({ format: 'date-time' }).describe(description).optional();

/** resource.Quantity: "500m", "4Gi" or a plain number. */
export const quantity = z
  .union([z.string(), z.number()])
  .meta({ 'x-kubernetes-int-or-string': true, description: 'A fixed-point number such as "500m", "2" or "4Gi".' });

export const resourceList = z
  .record(z.string(), quantity)
  .describe('Amounts of resources by name (cpu, memory, ephemeral-storage, …).');

/** runtime.RawExtension: any JSON object, kept as sent. */
export const rawObject = (description: string): z.ZodRecord<z.ZodString, z.ZodUnknown> =>
  z.record(z.string(), z.unknown()).meta({ 'x-kubernetes-preserve-unknown-fields': true, description });

export const labelSelector = z
  .object({
    matchLabels: z
      .record(z.string(), z.string())
      .optional()
      .describe('Label key/value pairs that must all be present (each is an In requirement with one value).'),
    matchExpressions: z
      .array(
        z.object({
          key: z.string().describe('The label key the requirement applies to.'),
          operator: z.string().describe('How the key relates to the values: In, NotIn, Exists or DoesNotExist.'),
          values: z
            .array(z.string())
            .optional()
            .describe('The values for In and NotIn (non-empty); empty for Exists and DoesNotExist.'),
        }),
      )
      .optional()
      .describe('Label requirements, all of which must hold.'),
  })
  .describe('A label query; an empty selector matches everything.');

export const nodeSelectorRequirement = z.object({
  key: z.string().describe('The field the requirement applies to.'),
  operator: z.string().describe('How the key relates to the values.'),
  values: z.array(z.string()).optional().describe('The values the operator compares against.'),
});

export const fieldSelector = z
  .object({
    matchExpressions: z
      .array(nodeSelectorRequirement)
      .optional()
      .describe('Requirements on cluster fields; the key is provider, region or zone and the operator In or NotIn.'),
  })
  .describe('Selects member clusters by their provider, region and zone.');

/** ClusterAffinity's fields, shared by the inline forms in affinity terms and overflow tiers. */
export const clusterAffinityShape = {
  labelSelector: labelSelector
    .optional()
    .describe('Selects member clusters by label; when set and not empty only matching clusters are chosen.'),
  fieldSelector: fieldSelector
    .optional()
    .describe('Selects member clusters by provider, region or zone; when set and not empty only matching clusters are chosen.'),
  clusterNames: z.array(z.string()).optional().describe('Names of the clusters to choose.'),
  exclude: z.array(z.string()).optional().describe('Names of clusters never to choose, whatever the other selectors say.'),
};

export const clusterAffinity = z
  .object(clusterAffinityShape)
  .describe('Chooses member clusters; every part that is set must match, and exclude always wins.');
export type ClusterAffinity = z.infer<typeof clusterAffinity>;

export const toleration = z.object({
  key: z.string().optional().describe('The taint key this toleration matches; empty with operator Exists matches every key.'),
  operator: z
    .string()
    .optional()
    .describe('Exists (any value) or Equal (the value must match); Equal when empty.'),
  value: z.string().optional().describe('The taint value to match when the operator is Equal.'),
  effect: z
    .string()
    .optional()
    .describe('The taint effect to match (NoSchedule, PreferNoSchedule or NoExecute); empty matches every effect.'),
  tolerationSeconds: int64()
    .optional()
    .describe('For NoExecute taints: how long the workload stays on a cluster after the taint appears; unset means forever.'),
});

export const taint = z.object({
  key: z.string().describe('The taint key.'),
  value: z.string().optional().describe('The taint value.'),
  effect: z.string().describe('What the taint does to workloads that do not tolerate it: NoSchedule, PreferNoSchedule or NoExecute.'),
  timeAdded: timestamp('When a NoExecute taint was added.'),
});
export type Taint = z.infer<typeof taint>;

export const resourceSelector = z.object({
  apiVersion: z.string().describe('The API version of the resources to select, e.g. apps/v1.'),
  kind: z.string().describe('The kind of the resources to select, e.g. Deployment.'),
  namespace: z
    .string()
    .optional()
    .describe("The namespace of the resources; a namespaced policy fills in its own namespace when this is empty."),
  name: z.string().optional().describe('The name of the resource; empty selects every resource of the kind.'),
  labelSelector: labelSelector
    .optional()
    .describe('Selects resources by label; ignored when name is set.'),
});
export type ResourceSelector = z.infer<typeof resourceSelector>;

export const condition = z.object({
  type: z.string().describe('The condition type, in CamelCase.'),
  status: z.string().describe('True, False or Unknown.'),
  observedGeneration: int64().optional().describe('The metadata.generation the condition was computed from.'),
  lastTransitionTime: z.string().meta({ format: 'date-time' }).describe('When the status last changed.'),
  reason: z.string().describe('A CamelCase word saying why the condition is what it is.'),
  message: z.string().describe('A human-readable explanation.'),
});
export type Condition = z.infer<typeof condition>;

/** Registers a kind's schema under its definition name so the OpenAPI document can name it. */
export function registerKind<T extends z.ZodType>(schema: T, definition: string): T {
  karmadaSchemaRegistry.add(schema, { id: definition });
  return schema;
}

/** com.github.karmada-io.karmada.pkg.apis.<group dir>.<version>.<Kind>, as Karmada's own OpenAPI names them. */
export function karmadaDefinition(groupDir: string, version: string, kind: string): string {
  return `com.github.karmada-io.karmada.pkg.apis.${groupDir}.${version}.${kind}`;
}
