import { z } from 'zod';
import { int32 } from './common.js';

/** policy.karmada.io FailoverBehavior: what happens to a workload when its application or cluster fails. */

/** Directly and Gracefully are the current names; Immediately and Graciously their deprecated spellings. */
export const applicationPurgeModes = ['Directly', 'Gracefully', 'Never', 'Immediately', 'Graciously'] as const;
export const clusterPurgeModes = ['Directly', 'Gracefully'] as const;
export type PurgeMode = (typeof applicationPurgeModes)[number];

/** Whether a purge mode waits for the new clusters before removing the old copy. */
export function isGracefulPurge(mode: string | undefined): boolean {
  return mode === 'Gracefully' || mode === 'Graciously';
}

export const DEFAULT_GRACE_PERIOD_SECONDS = 600;

export const statePreservation = z.object({
  rules: z
    .array(
      z.object({
        aliasLabelName: z
          .string()
          .describe('The label key under which the preserved value is handed to the new cluster.'),
        jsonPath: z
          .string()
          .describe('A kubectl-style JSONPath into the status of the failed resource (e.g. "{.availableReplicas}").'),
      }),
    )
    .describe('What to extract from the failed copy and hand, as labels, to the copy on the new cluster.'),
});

export const applicationFailoverBehavior = z.object({
  decisionConditions: z
    .object({
      tolerationSeconds: int32()
        .default(300)
        .describe('How long an application may stay unhealthy before it is moved; 0 moves it at once.'),
    })
    .describe('When an unhealthy application is moved to another cluster.'),
  purgeMode: z
    .enum(applicationPurgeModes)
    .default('Gracefully')
    .describe(
      'What becomes of the copy on the failed cluster: Directly removes it at once, Gracefully once the new copy is healthy (or gracePeriodSeconds pass), Never keeps it.',
    ),
  gracePeriodSeconds: int32()
    .optional()
    .describe('With Gracefully: the longest wait for the new copy to become healthy before the old one is removed; 600 when unset.'),
  statePreservation: statePreservation
    .optional()
    .describe('State carried from the failed copy to the new one.'),
});
export type ApplicationFailoverBehavior = z.infer<typeof applicationFailoverBehavior>;

export const clusterFailoverBehavior = z.object({
  purgeMode: z
    .enum(clusterPurgeModes)
    .default('Gracefully')
    .describe('What becomes of the copy on a failed cluster: Directly removes it at once, Gracefully once the new copy is healthy.'),
  statePreservation: statePreservation
    .optional()
    .describe('State carried from the failed copy to the new one.'),
});

export const failoverBehavior = z.object({
  application: applicationFailoverBehavior
    .optional()
    .describe('Move the workload when the application itself is unhealthy. Requires propagateDeps so its dependencies move too.'),
  cluster: clusterFailoverBehavior
    .optional()
    .describe('Move the workload when its cluster fails (a NoExecute taint it does not tolerate).'),
});
export type FailoverBehavior = z.infer<typeof failoverBehavior>;
