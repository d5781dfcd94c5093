import type { Cluster } from '../karmada/cluster.js';
import type { ClusterAffinity } from '../karmada/common.js';
import type { Placement } from '../karmada/placement.js';
import type { BindingSpec } from '../karmada/resource-binding.js';

/** One node of a member cluster as the accurate estimator sees it. */
export interface NodeSnapshot {
  name: string;
  labels: Record<string, string>;
  taints: Array<{ key: string; value?: string; effect: string }>;
  /** Quantity strings by resource name (cpu, memory, pods, …). */
  allocatable: Record<string, string>;
  /** What the pods already bound to the node request, by resource name. */
  requested: Record<string, string>;
  /** How many pods the node runs now. */
  pods: number;
  ready: boolean;
  unschedulable?: boolean;
}

export interface ScheduleOptions {
  /** Also fit replicas node by node where node snapshots are given (Karmada's scheduler-estimator). Default true. */
  enableSchedulerEstimator?: boolean;
  /** Count in-flight assignments (`assumed`) against capacity. Default false. */
  overcommitProtection?: boolean;
}

export interface ScheduleInput {
  /** The binding's spec: placement, replicas, replicaRequirements, clusters (the previous result), gracefulEvictionTasks, resource.uid. */
  spec: BindingSpec;
  status?: { schedulerObservingAffinityName?: string; lastScheduledTime?: string };
  /** Every Cluster object, with its status. */
  clusters: Cluster[];
  /** Node snapshots per cluster name, for the accurate estimator; clusters absent here use the general estimator only. */
  nodes?: Record<string, NodeSnapshot[]>;
  /** Replicas already promised to each cluster but not yet visible in its status (overcommit protection). */
  assumed?: Record<string, number>;
  /** A reschedule was asked for (rescheduleTriggeredAt newer than lastScheduledTime): ignore the previous result. */
  fresh?: boolean;
  options?: ScheduleOptions;
}

export interface ClusterDiagnosis {
  cluster: string;
  fits: boolean;
  /** The filter's sentence when the cluster does not fit. */
  reason?: string;
  /** The filter plugin that refused the cluster. */
  plugin?: string;
  score?: number;
  /** How many more replicas the cluster can take, as estimated. */
  availableReplicas?: number;
  /** Replicas assigned to the cluster by this result. */
  replicas?: number;
}

export interface ScheduledCluster {
  name: string;
  replicas?: number;
}

export type ScheduleResult =
  | { ok: true; clusters: ScheduledCluster[]; affinityName?: string; diagnosis: ClusterDiagnosis[] }
  | { ok: false; reason: 'NoClusterFit' | 'Unschedulable'; message: string; affinityName?: string; diagnosis: ClusterDiagnosis[] };

/** What filter and score plugins see of one scheduling attempt. */
export interface SchedulingContext {
  spec: BindingSpec;
  placement: Placement;
  /**
   * The cluster groups in force, in preference order: the placement's clusterAffinity, or the
   * current clusterAffinities term followed by its overflow tiers. Empty when any cluster will do.
   */
  affinityTiers: ClusterAffinity[];
  /** Clusters in the previous scheduling result. */
  previous: ReadonlySet<string>;
  /** Clusters the workload is being evicted from. */
  evicting: ReadonlySet<string>;
}

export interface FilterPlugin {
  readonly name: string;
  /** undefined when the cluster fits; otherwise why not, in a sentence a user can act on. */
  filter(cluster: Cluster, ctx: SchedulingContext): string | undefined;
}

export interface ScorePlugin {
  readonly name: string;
  /** 0 to 100; the scores of all plugins are added up. */
  score(cluster: Cluster, ctx: SchedulingContext): number;
}

/** A scheduling step that could not be completed, with the condition reason it maps to. */
export class SchedulingFailure extends Error {
  constructor(
    readonly reason: 'NoClusterFit' | 'Unschedulable',
    message: string,
  ) {
    super(message);
    this.name = 'SchedulingFailure';
  }
}
