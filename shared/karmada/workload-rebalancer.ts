import { z } from 'zod';
import { apiVersionField, int32, int64, karmadaDefinition, kindField, objectMeta, registerKind, timestamp } from './common.js';

/** apps.karmada.io/v1alpha1 WorkloadRebalancer: a one-off request to reschedule workloads from scratch. */

export const APPS_GROUP = 'apps.karmada.io';
export const APPS_VERSION = 'v1alpha1';

export const rebalanceResults = ['Successful', 'Failed'] as const;
export const rebalanceFailedReasons = ['ReferencedBindingNotFound'] as const;

export const workloadReference = z.object({
  apiVersion: z.string().describe('The API version of the workload.'),
  kind: z.string().describe('The kind of the workload.'),
  name: z.string().describe('The name of the workload.'),
  namespace: z.string().optional().describe('The namespace of the workload; empty for cluster-scoped workloads.'),
});

export const workloadRebalancerSpec = z.object({
  workloads: z
    .array(workloadReference)
    .min(1)
    .describe('The workloads to reschedule. Cannot be changed after creation.'),
  ttlSecondsAfterFinished: int32()
    .optional()
    .describe('Delete the rebalancer this many seconds after it finishes; kept when unset.'),
});

export const workloadRebalancerStatus = z.object({
  observedWorkloads: z
    .array(
      z.object({
        workload: workloadReference.describe('The workload.'),
        result: z.enum(rebalanceResults).optional().describe('Successful or Failed.'),
        reason: z.enum(rebalanceFailedReasons).optional().describe('Why it failed.'),
      }),
    )
    .optional()
    .describe('The outcome for each workload.'),
  observedGeneration: int64().optional().describe('The generation the status was computed for.'),
  finishTime: timestamp('When every workload had an outcome.'),
});

export const workloadRebalancer = registerKind(
  z
    .object({
      apiVersion: apiVersionField,
      kind: kindField,
      metadata: objectMeta,
      spec: workloadRebalancerSpec.describe('The workloads to reschedule.'),
      status: workloadRebalancerStatus.optional().describe('How the rescheduling went.'),
    })
    .describe('WorkloadRebalancer asks for the named workloads to be scheduled again from scratch, ignoring where they run now.'),
  karmadaDefinition('apps', APPS_VERSION, 'WorkloadRebalancer'),
);
export type WorkloadRebalancer = z.infer<typeof workloadRebalancer>;
