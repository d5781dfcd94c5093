import { z } from 'zod';
import { apiVersionField, condition, karmadaDefinition, kindField, objectMeta, rawObject, registerKind } from './common.js';
import { healthStates, WORK_GROUP } from './resource-binding.js';

/** work.karmada.io/v1alpha1 Work: the manifests one member cluster should run, in its execution namespace. */

export const WORK_VERSION = 'v1alpha1';
export { WORK_GROUP };

export const WORK_PERMANENT_ID_LABEL = 'work.karmada.io/permanent-id';
/** Set when a Work is made (as Karmada's binding step does), so its member copies go before it does. */
export const EXECUTION_CONTROLLER_FINALIZER = 'karmada.io/execution-controller';
export const WORK_NAMESPACE_ANNOTATION = 'work.karmada.io/namespace';
export const WORK_NAME_ANNOTATION = 'work.karmada.io/name';
/** Annotations on manifests listing the label and annotation keys the control plane owns in the member. */
export const MANAGED_LABELS_ANNOTATION = 'resourcetemplate.karmada.io/managed-labels';
export const MANAGED_ANNOTATIONS_ANNOTATION = 'resourcetemplate.karmada.io/managed-annotations';

export const WORK_CONDITION_APPLIED = 'Applied';
export const WORK_CONDITION_PROGRESSING = 'Progressing';
export const WORK_CONDITION_AVAILABLE = 'Available';
export const WORK_CONDITION_DEGRADED = 'Degraded';
export const WORK_CONDITION_DISPATCHING = 'Dispatching';

/** Execution namespaces hold the Works of one member cluster each. */
export const EXECUTION_SPACE_PREFIX = 'karmada-es-';

export const manifest = rawObject('A complete Kubernetes object to apply in the member cluster.').meta({
  'x-kubernetes-embedded-resource': true,
});

export const workSpec = z.object({
  workload: z
    .object({
      manifests: z.array(manifest).optional().describe('The objects to apply in the member cluster.'),
    })
    .optional()
    .describe('What the member cluster should run.'),
  suspendDispatching: z
    .boolean()
    .optional()
    .describe('Stop applying updates of this Work to the member cluster while true.'),
  preserveResourcesOnDeletion: z
    .boolean()
    .optional()
    .describe('Keep the objects in the member cluster when the Work is deleted.'),
});

export const manifestStatus = z.object({
  identifier: z
    .object({
      ordinal: z.int().describe('The index of the manifest in spec.workload.manifests.'),
      group: z.string().describe('The API group of the object.'),
      version: z.string().describe('The API version of the object.'),
      kind: z.string().describe('The kind of the object.'),
      resource: z.string().describe('The plural resource of the object.'),
      namespace: z.string().optional().describe('The namespace of the object; empty for cluster-scoped objects.'),
      name: z.string().describe('The name of the object.'),
    })
    .describe('Which manifest this status is for.'),
  status: rawObject('The status of the object in the member cluster.').optional(),
  health: z.enum(healthStates).optional().describe('Healthy, Unhealthy or Unknown.'),
});

export const workStatus = z.object({
  conditions: z
    .array(condition)
    .optional()
    .describe('Applied, Progressing, Available, Degraded and Dispatching.'),
  manifestStatuses: z.array(manifestStatus).optional().describe('The status of each manifest in the member cluster.'),
});

export const work = registerKind(
  z
    .object({
      apiVersion: apiVersionField,
      kind: kindField,
      metadata: objectMeta,
      spec: workSpec.describe('The objects the member cluster should run.'),
      status: workStatus.optional().describe('How applying them went.'),
    })
    .describe('Work holds the objects one member cluster should run; it lives in that cluster\'s execution namespace karmada-es-<cluster>.'),
  karmadaDefinition('work', WORK_VERSION, 'Work'),
);
export type Work = z.infer<typeof work>;
