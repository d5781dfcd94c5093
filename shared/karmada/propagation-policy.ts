import { z } from 'zod';
import {
  apiVersionField,
  int32,
  karmadaDefinition,
  kindField,
  objectMeta,
  registerKind,
  resourceSelector,
} from './common.js';
import { failoverBehavior } from './failover.js';
import { placement } from './placement.js';

/** policy.karmada.io/v1alpha1 PropagationPolicy and ClusterPropagationPolicy: which resources go to which clusters. */

export const POLICY_GROUP = 'policy.karmada.io';
export const POLICY_VERSION = 'v1alpha1';

export const PROPAGATION_POLICY_PERMANENT_ID_LABEL = 'propagationpolicy.karmada.io/permanent-id';
export const CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL = 'clusterpropagationpolicy.karmada.io/permanent-id';
/** Set on claimed resource templates by the detector. */
export const PROPAGATION_POLICY_NAMESPACE_ANNOTATION = 'propagationpolicy.karmada.io/namespace';
export const PROPAGATION_POLICY_NAME_ANNOTATION = 'propagationpolicy.karmada.io/name';
export const CLUSTER_PROPAGATION_POLICY_ANNOTATION = 'clusterpropagationpolicy.karmada.io/name';
/** Finalizers Karmada's webhook puts on new policies so the detector can release their templates. */
export const PROPAGATION_POLICY_FINALIZER = 'karmada.io/propagation-policy-controller';
export const CLUSTER_PROPAGATION_POLICY_FINALIZER = 'karmada.io/cluster-propagation-policy-controller';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export const conflictResolutions = ['Abort', 'Overwrite'] as const;
export const preemptionBehaviors = ['Always', 'Never'] as const;
export const activationPreferences = ['Lazy'] as const;
export const priorityClassSources = ['KubePriorityClass'] as const;

export const suspension = z.object({
  dispatching: z
    .boolean()
    .optional()
    .describe('Stop updates reaching every member cluster while true.'),
  dispatchingOnClusters: z
    .object({
      clusterNames: z.array(z.string()).optional().describe('The member clusters updates stop reaching.'),
    })
    .optional()
    .describe('Stop updates reaching only these member clusters. Not together with dispatching: true.'),
});

export const schedulePriority = z.object({
  priorityClassSource: z
    .enum(priorityClassSources)
    .describe('Where the priority class is looked up; KubePriorityClass is a scheduling.k8s.io PriorityClass.'),
  priorityClassName: z.string().describe('The name of the priority class.'),
});

export const propagationSpec = z.object({
  resourceSelectors: z
    .array(resourceSelector)
    .min(1)
    .describe('The resource templates this policy propagates.'),
  association: z
    .boolean()
    .optional()
    .describe('Deprecated: use propagateDeps.'),
  propagateDeps: z
    .boolean()
    .optional()
    .describe(
      'Propagate what the selected workloads reference (ConfigMaps, Secrets, ServiceAccounts, PersistentVolumeClaims…) to the same clusters, and move them along on failover.',
    ),
  placement: placement.optional().describe('The clusters the resources go to and how replicas are spread over them.'),
  priority: int32()
    .default(0)
    .describe('When several policies match one resource the highest priority wins; ties go to the most specific selector, then the first name.'),
  preemption: z
    .enum(preemptionBehaviors)
    .default('Never')
    .describe('Always lets this policy take resources already claimed by a lower-priority policy (or by any ClusterPropagationPolicy); Never does not.'),
  dependentOverrides: z
    .array(z.string())
    .optional()
    .describe('OverridePolicies that must exist before this policy takes effect.'),
  schedulerName: z
    .string()
    .default(DEFAULT_SCHEDULER_NAME)
    .describe('The scheduler that places the resources. Cannot be changed after creation.'),
  failover: failoverBehavior
    .optional()
    .describe('How workloads are moved when their application or cluster fails; no failover when unset.'),
  conflictResolution: z
    .enum(conflictResolutions)
    .default('Abort')
    .describe('What to do when a resource already exists in a member cluster and is not managed here: Abort leaves it alone, Overwrite takes it over.'),
  activationPreference: z
    .enum(activationPreferences)
    .optional()
    .describe('Lazy: policy changes reach a resource only when that resource is next updated. Immediately when unset.'),
  suspension: suspension.optional().describe('Pause propagation to all or some member clusters.'),
  preserveResourcesOnDeletion: z
    .boolean()
    .optional()
    .describe('Keep the propagated copies in member clusters when the resource template is deleted.'),
  schedulePriority: schedulePriority
    .optional()
    .describe('The scheduling priority of the resources, taken from a priority class.'),
});
export type PropagationSpec = z.infer<typeof propagationSpec>;

const policyObject = (kind: string, description: string) =>
  registerKind(
    z
      .object({
        apiVersion: apiVersionField,
        kind: kindField,
        metadata: objectMeta,
        spec: propagationSpec.describe(`The desired behavior of the ${kind}.`),
      })
      .describe(description),
    karmadaDefinition('policy', POLICY_VERSION, kind),
  );

export const propagationPolicy = policyObject(
  'PropagationPolicy',
  'PropagationPolicy propagates resources of its own namespace to member clusters.',
);
export type PropagationPolicy = z.infer<typeof propagationPolicy>;

export const clusterPropagationPolicy = policyObject(
  'ClusterPropagationPolicy',
  'ClusterPropagationPolicy propagates cluster-scoped resources, and resources of any namespace but the reserved ones, to member clusters.',
);
export type ClusterPropagationPolicy = z.infer<typeof clusterPropagationPolicy>;
