import { z } from 'zod';
import { apiVersionField, clusterAffinity, karmadaDefinition, kindField, objectMeta, registerKind } from './common.js';
import { POLICY_VERSION } from './propagation-policy.js';

/** policy.karmada.io/v1alpha1 ClusterTaintPolicy: taint Clusters when their conditions say so. */

export const matchOperators = ['In', 'NotIn'] as const;
export const clusterTaintEffects = ['NoSchedule', 'NoExecute'] as const;

export const matchCondition = z.object({
  conditionType: z.string().describe('The Cluster condition type to look at, e.g. Ready.'),
  operator: z.enum(matchOperators).describe('In or NotIn: whether the condition status must be among statusValues.'),
  statusValues: z.array(z.string()).describe('Condition statuses (True, False, Unknown) to compare with.'),
});

export const policyTaint = z.object({
  key: z.string().describe('The taint key.'),
  effect: z.enum(clusterTaintEffects).describe('NoSchedule keeps new workloads away; NoExecute also evicts running ones.'),
  value: z.string().optional().describe('The taint value.'),
});
export type PolicyTaint = z.infer<typeof policyTaint>;

export const clusterTaintPolicySpec = z.object({
  targetClusters: clusterAffinity
    .optional()
    .describe('The clusters the policy watches; every cluster when unset. Clusters leaving the selection keep their taints.'),
  addOnConditions: z
    .array(matchCondition)
    .optional()
    .describe('When all of these hold, the taints are added; nothing is added when empty.'),
  removeOnConditions: z
    .array(matchCondition)
    .optional()
    .describe('When all of these hold, the taints are removed; nothing is removed when empty.'),
  taints: z
    .array(policyTaint)
    .min(1)
    .describe('The taints added or removed. Deleting the policy never removes them.'),
});
export type ClusterTaintPolicySpec = z.infer<typeof clusterTaintPolicySpec>;

export const clusterTaintPolicy = registerKind(
  z
    .object({
      apiVersion: apiVersionField,
      kind: kindField,
      metadata: objectMeta,
      spec: clusterTaintPolicySpec.describe('The desired behavior of the ClusterTaintPolicy.'),
    })
    .describe('ClusterTaintPolicy adds and removes taints on Clusters as their conditions change; add is evaluated before remove.'),
  karmadaDefinition('policy', POLICY_VERSION, 'ClusterTaintPolicy'),
);
export type ClusterTaintPolicy = z.infer<typeof clusterTaintPolicy>;
