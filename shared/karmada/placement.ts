import { z } from 'zod';
import { clusterAffinity, clusterAffinityShape, int64, toleration } from './common.js';

/** policy.karmada.io Placement: where a propagation policy (and a binding copying it) sends resources. */

export const spreadFields = ['cluster', 'region', 'zone', 'provider'] as const;
export type SpreadField = (typeof spreadFields)[number];

export const replicaSchedulingTypes = ['Duplicated', 'Divided'] as const;
export const replicaDivisionPreferences = ['Aggregated', 'Weighted'] as const;
export const dynamicWeightFactors = ['AvailableReplicas'] as const;

export const spreadConstraint = z.object({
  spreadByField: z
    .enum(spreadFields)
    .optional()
    .describe('The cluster field that groups clusters: cluster, region, zone or provider. Not together with spreadByLabel; cluster when both are empty.'),
  spreadByLabel: z
    .string()
    .optional()
    .describe('The cluster label key that groups clusters. Not together with spreadByField.'),
  maxGroups: z.int().optional().describe('At most this many groups are chosen.'),
  minGroups: z.int().optional().describe('At least this many groups are chosen; 1 when unset.'),
});
export type SpreadConstraint = z.infer<typeof spreadConstraint>;

export const staticClusterWeight = z.object({
  targetCluster: clusterAffinity.describe('The clusters this weight applies to.'),
  weight: int64().min(1).describe('The relative share of replicas for those clusters.'),
});

export const clusterPreferences = z.object({
  staticWeightList: z
    .array(staticClusterWeight)
    .optional()
    .describe('Fixed weights per group of clusters; a cluster matched by several entries takes the largest weight.'),
  dynamicWeight: z
    .enum(dynamicWeightFactors)
    .optional()
    .describe('Derive weights from the clusters themselves (AvailableReplicas: what each can still run). Overrides staticWeightList.'),
});

export const replicaSchedulingStrategy = z.object({
  replicaSchedulingType: z
    .enum(replicaSchedulingTypes)
    .default('Divided')
    .describe('Duplicated gives every chosen cluster all the replicas; Divided splits the replicas among them.'),
  replicaDivisionPreference: z
    .enum(replicaDivisionPreferences)
    .optional()
    .describe('How Divided splits replicas: Aggregated uses as few clusters as capacity allows, Weighted follows weightPreference.'),
  weightPreference: clusterPreferences
    .optional()
    .describe('The weights for Weighted division; equal weights when unset.'),
});
export type ReplicaSchedulingStrategy = z.infer<typeof replicaSchedulingStrategy>;

export const overflowClusterAffinity = z.object({
  affinityName: z.string().describe('The name of the overflow tier.'),
  ...clusterAffinityShape,
});

export const clusterAffinityTerm = z.object({
  affinityName: z.string().min(1).max(32).describe('The name of this group of clusters.'),
  ...clusterAffinityShape,
  overflowAffinities: z
    .array(overflowClusterAffinity)
    .optional()
    .describe(
      'Further tiers used, in order, when the clusters of this term cannot hold all replicas; released in reverse order on scale-down. Only with dynamic weight or Aggregated division.',
    ),
});
export type ClusterAffinityTerm = z.infer<typeof clusterAffinityTerm>;

export const workloadAffinity = z.object({
  affinity: z
    .object({
      groupByLabelKey: z.string().describe('Workloads with the same value of this label key are placed together.'),
    })
    .optional()
    .describe('Keep workloads of one group on the same clusters.'),
  antiAffinity: z
    .object({
      groupByLabelKey: z.string().describe('Workloads with the same value of this label key are spread apart.'),
    })
    .optional()
    .describe('Keep workloads of one group on different clusters.'),
});

export const placement = z.object({
  clusterAffinity: clusterAffinity
    .optional()
    .describe('The clusters to choose from; any cluster when unset. Not together with clusterAffinities.'),
  clusterAffinities: z
    .array(clusterAffinityTerm)
    .optional()
    .describe(
      'Ordered groups of clusters: the scheduler uses the first group that can take the workload and moves on to the next when it cannot. Not together with clusterAffinity.',
    ),
  clusterTolerations: z
    .array(toleration)
    .optional()
    .describe('Cluster taints this placement tolerates.'),
  spreadConstraints: z
    .array(spreadConstraint)
    .optional()
    .describe('How many clusters (or regions, zones, providers) the resources spread over.'),
  replicaScheduling: replicaSchedulingStrategy
    .optional()
    .describe('How replicas of workloads are scheduled; Duplicated when unset.'),
  workloadAffinity: workloadAffinity
    .optional()
    .describe('Co-locate or separate workloads by a label they carry.'),
});
export type Placement = z.infer<typeof placement>;
