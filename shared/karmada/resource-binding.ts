import { z } from 'zod';
import {
  apiVersionField,
  condition,
  int32,
  int64,
  karmadaDefinition,
  kindField,
  objectMeta,
  rawObject,
  registerKind,
  resourceList,
  timestamp,
  toleration,
} from './common.js';
import { applicationPurgeModes, failoverBehavior } from './failover.js';
import { placement } from './placement.js';
import { conflictResolutions } from './propagation-policy.js';

/**
 * work.karmada.io/v1alpha2 ResourceBinding and ClusterResourceBinding (stored; v1alpha1 is
 * served by conversion): one resource template, the policy's placement, and the
 * scheduler's answer in spec.clusters.
 */

export const WORK_GROUP = 'work.karmada.io';
export const BINDING_VERSION = 'v1alpha2';

export const RESOURCE_BINDING_PERMANENT_ID_LABEL = 'resourcebinding.karmada.io/permanent-id';
export const CLUSTER_RESOURCE_BINDING_PERMANENT_ID_LABEL = 'clusterresourcebinding.karmada.io/permanent-id';
export const BINDING_MANAGED_BY_LABEL = 'binding.karmada.io/managed-by';
/** Set when a binding is made (by the detector, as Karmada's), so its Works go before it does. */
export const BINDING_CONTROLLER_FINALIZER = 'karmada.io/binding-controller';
export const CLUSTER_BINDING_CONTROLLER_FINALIZER = 'karmada.io/cluster-resource-binding-controller';

export const BINDING_CONDITION_SCHEDULED = 'Scheduled';
export const BINDING_CONDITION_FULLY_APPLIED = 'FullyApplied';
export const healthStates = ['Healthy', 'Unhealthy', 'Unknown'] as const;

export const objectReference = z.object({
  apiVersion: z.string().describe('The API version of the referent.'),
  kind: z.string().describe('The kind of the referent.'),
  namespace: z.string().optional().describe('The namespace of the referent; empty for cluster-scoped resources.'),
  name: z.string().describe('The name of the referent.'),
  uid: z.string().optional().describe('The uid of the referent.'),
  resourceVersion: z.string().optional().describe('The resourceVersion of the referent the binding was made from.'),
});

export const nodeClaim = z.object({
  hardNodeAffinity: z
    .record(z.string(), z.unknown())
    .meta({ 'x-kubernetes-preserve-unknown-fields': true })
    .optional()
    .describe("The pod template's required node affinity (a NodeSelector)."),
  nodeSelector: z.record(z.string(), z.string()).optional().describe("The pod template's node selector."),
  tolerations: z.array(toleration).optional().describe("The pod template's tolerations."),
});

export const replicaRequirements = z.object({
  nodeClaim: nodeClaim.optional().describe('Node constraints one replica needs.'),
  resourceRequest: resourceList.optional().describe('Resources one replica requests.'),
  namespace: z.string().optional().describe('The namespace the replicas run in (for quota estimation).'),
  priorityClassName: z.string().optional().describe('The priority class of the replicas.'),
});

export const component = z.object({
  name: z.string().max(32).describe('The name of the component (one pod template of a multi-template workload).'),
  replicas: int32().describe('How many replicas the component wants.'),
  replicaRequirements: z
    .record(z.string(), z.unknown())
    .meta({ 'x-kubernetes-preserve-unknown-fields': true })
    .optional()
    .describe('What one replica of the component needs.'),
});

export const targetCluster = z.object({
  name: z.string().describe('The member cluster.'),
  replicas: int32().optional().describe('How many replicas go to that cluster.'),
  components: z
    .array(z.object({ name: z.string().describe('The component.'), replicas: int32().describe('Its replicas there.') }))
    .optional()
    .describe('Replicas per component on that cluster.'),
});

export const gracefulEvictionTask = z.object({
  fromCluster: z.string().describe('The cluster the workload is being moved away from.'),
  purgeMode: z.enum(applicationPurgeModes).optional().describe('How the old copy is removed.'),
  replicas: int32().optional().describe('The replicas the old cluster had.'),
  reason: z.string().max(32).describe('Why the eviction happens, in CamelCase (e.g. TaintUntolerated, ApplicationFailure).'),
  message: z.string().max(1024).optional().describe('A human-readable explanation.'),
  producer: z.string().describe('The controller that asked for the eviction.'),
  gracePeriodSeconds: int32().optional().describe('The longest wait before the old copy is removed anyway.'),
  suppressDeletion: z.boolean().optional().describe('true keeps the old copy; false removes it at once; unset waits.'),
  preservedLabelState: z
    .record(z.string(), z.string())
    .optional()
    .describe('State preserved from the old copy, to be injected into the new one as labels.'),
  clustersBeforeFailover: z.array(z.string()).optional().describe('The clusters the workload was on before failover.'),
  creationTimestamp: timestamp('When the task was created.'),
});

export const bindingSnapshot = z.object({
  namespace: z.string().optional().describe('The namespace of the binding that needs this one.'),
  name: z.string().describe('The name of that binding.'),
  clusters: z.array(targetCluster).optional().describe('The clusters that binding is scheduled to.'),
});

export const bindingSpec = z.object({
  resource: objectReference.describe('The resource template this binding is for.'),
  propagateDeps: z.boolean().optional().describe("Whether the template's dependencies are propagated with it."),
  replicaRequirements: replicaRequirements.optional().describe('What one replica needs, for scheduling.'),
  replicas: int32().optional().describe('How many replicas the template wants.'),
  components: z.array(component).optional().describe('The components of a workload with several pod templates.'),
  clusters: z
    .array(targetCluster)
    .optional()
    .describe('The scheduling result: the member clusters and their replicas.'),
  placement: placement.optional().describe('The placement copied from the policy.'),
  gracefulEvictionTasks: z
    .array(gracefulEvictionTask)
    .optional()
    .describe('Clusters the workload is leaving, kept until the new placement is healthy.'),
  requiredBy: z
    .array(bindingSnapshot)
    .optional()
    .describe('Bindings whose workloads depend on this resource, with their clusters.'),
  schedulerName: z.string().optional().describe('The scheduler that places this binding.'),
  failover: failoverBehavior.optional().describe('The failover behavior copied from the policy.'),
  conflictResolution: z
    .enum(conflictResolutions)
    .default('Abort')
    .describe('What to do with an unmanaged copy already in a member cluster: Abort or Overwrite.'),
  rescheduleTriggeredAt: timestamp('Asks for a fresh scheduling when later than status.lastScheduledTime.'),
  suspension: z
    .object({
      dispatching: z.boolean().optional().describe('Stop updates reaching every member cluster.'),
      dispatchingOnClusters: z
        .object({ clusterNames: z.array(z.string()).optional().describe('The member clusters updates stop reaching.') })
        .optional()
        .describe('Stop updates reaching only these member clusters.'),
      scheduling: z.boolean().optional().describe('Stop scheduling this binding.'),
    })
    .optional()
    .describe('Pauses for this binding.'),
  preserveResourcesOnDeletion: z
    .boolean()
    .optional()
    .describe('Keep the member copies when the template is deleted.'),
  schedulePriority: z
    .object({ priority: int32().optional().describe('The resolved priority value.') })
    .optional()
    .describe('The scheduling priority of this binding.'),
  workloadAffinityGroups: z
    .object({
      affinityGroup: z.string().optional().describe('The group this workload is co-located with.'),
      antiAffinityGroup: z.string().optional().describe('The group this workload is kept apart from.'),
    })
    .optional()
    .describe('The workload affinity groups the template belongs to.'),
});
export type BindingSpec = z.infer<typeof bindingSpec>;

export const aggregatedStatusItem = z.object({
  clusterName: z.string().describe('The member cluster.'),
  status: rawObject('The status of the resource in that cluster.').optional(),
  applied: z.boolean().optional().describe('Whether the resource was applied to that cluster.'),
  appliedMessage: z.string().optional().describe('Why applying failed, when it did.'),
  health: z.enum(healthStates).optional().describe('Healthy, Unhealthy or Unknown.'),
});

export const bindingStatus = z.object({
  schedulerObservedGeneration: int64().optional().describe('The generation the scheduler last acted on.'),
  schedulerObservingAffinityName: z
    .string()
    .optional()
    .describe('The clusterAffinities term the current scheduling result came from.'),
  lastScheduledTime: timestamp('When the binding was last scheduled.'),
  conditions: z.array(condition).optional().describe('Scheduled and FullyApplied.'),
  aggregatedStatus: z.array(aggregatedStatusItem).optional().describe('The status of the resource in each member cluster.'),
});

const bindingObject = (kind: string, description: string) =>
  registerKind(
    z
      .object({
        apiVersion: apiVersionField,
        kind: kindField,
        metadata: objectMeta,
        spec: bindingSpec.describe(`The desired state of the ${kind}.`),
        status: bindingStatus.optional().describe(`The observed state of the ${kind}.`),
      })
      .describe(description),
    karmadaDefinition('work', BINDING_VERSION, kind),
  );

export const resourceBinding = bindingObject(
  'ResourceBinding',
  'ResourceBinding ties a namespaced resource template to its propagation policy and records where it is scheduled.',
);
export type ResourceBinding = z.infer<typeof resourceBinding>;

export const clusterResourceBinding = bindingObject(
  'ClusterResourceBinding',
  'ClusterResourceBinding ties a cluster-scoped resource template to its propagation policy and records where it is scheduled.',
);
export type ClusterResourceBinding = z.infer<typeof clusterResourceBinding>;
