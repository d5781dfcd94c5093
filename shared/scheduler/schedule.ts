import type { Cluster } from '../karmada/cluster.js';
import type { ClusterAffinity } from '../karmada/common.js';
import type { Placement } from '../karmada/placement.js';
import { assignReplicas } from './assignment.js';
import { estimateAvailableReplicas } from './estimate.js';
import { fitErrorMessage } from './fit-error.js';
import { compareCandidates, type ClusterCandidate } from './group-clusters.js';
import { affinityTier } from './plugins/cluster-affinity.js';
import { filterPlugins, scorePlugins } from './plugins/index.js';
import { isWorkload } from './replica-scheduling.js';
import { selectClusters } from './select-clusters.js';
import { SchedulingFailure, type ClusterDiagnosis, type ScheduleInput, type ScheduleResult, type SchedulingContext } from './types.js';

export type { ClusterDiagnosis, NodeSnapshot, ScheduleInput, ScheduleOptions, ScheduleResult, ScheduledCluster } from './types.js';

// The scheduler as one pure function: filter, score, select, assign (Karmada's genericScheduler
// Schedule), tried against each clusterAffinities term in turn when the placement has them.

const byName = (a: { cluster: string }, b: { cluster: string }): number => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0);

function schedulingContext(input: ScheduleInput, placement: Placement, affinityTiers: ClusterAffinity[]): SchedulingContext {
  return {
    spec: input.spec,
    placement,
    affinityTiers,
    previous: new Set((input.spec.clusters ?? []).map((c) => c.name)),
    evicting: new Set((input.spec.gracefulEvictionTasks ?? []).map((t) => t.fromCluster)),
  };
}

function scheduleWithTiers(input: ScheduleInput, placement: Placement, affinityTiers: ClusterAffinity[]): ScheduleResult {
  const ctx = schedulingContext(input, placement, affinityTiers);
  const diagnosis = new Map<string, ClusterDiagnosis>();
  const feasible: Cluster[] = [];
  for (const cluster of input.clusters) {
    const name = cluster.metadata.name ?? '';
    if (cluster.metadata.deletionTimestamp) {
      diagnosis.set(name, { cluster: name, fits: false, reason: 'cluster is being deleted' });
      continue;
    }
    let refused = false;
    for (const plugin of filterPlugins) {
      const reason = plugin.filter(cluster, ctx);
      if (reason !== undefined) {
        diagnosis.set(name, { cluster: name, fits: false, reason, plugin: plugin.name });
        refused = true;
        break;
      }
    }
    if (!refused) feasible.push(cluster);
  }
  const report = (): ClusterDiagnosis[] => [...diagnosis.values()].sort(byName);
  if (feasible.length === 0) {
    return { ok: false, reason: 'NoClusterFit', message: fitErrorMessage(input.clusters.length, [...diagnosis.values()]), diagnosis: report() };
  }

  const availability = estimateAvailableReplicas(feasible, input);
  const workload = isWorkload(input.spec);
  const assigned = new Map<string, number>();
  for (const c of input.spec.clusters ?? []) assigned.set(c.name, (assigned.get(c.name) ?? 0) + (c.replicas ?? 0));
  const candidates: ClusterCandidate[] = feasible.map((cluster) => {
    const name = cluster.metadata.name ?? '';
    const score = scorePlugins.reduce((s, p) => s + p.score(cluster, ctx), 0);
    const estimate = availability.get(name) ?? 0;
    diagnosis.set(name, { cluster: name, fits: true, score, ...(workload && (input.spec.replicas ?? 0) > 0 ? { availableReplicas: estimate } : {}) });
    return { name, cluster, score, available: estimate + (assigned.get(name) ?? 0), tier: affinityTier(cluster, affinityTiers) ?? 0 };
  });
  candidates.sort(compareCandidates);

  try {
    const selected = selectClusters(candidates, placement, input.spec);
    const clusters = assignReplicas({ selected, spec: input.spec, availability, fresh: input.fresh ?? false });
    for (const c of clusters) {
      const d = diagnosis.get(c.name);
      if (d && c.replicas !== undefined) d.replicas = c.replicas;
    }
    return { ok: true, clusters, diagnosis: report() };
  } catch (err) {
    if (!(err instanceof SchedulingFailure)) throw err;
    return { ok: false, reason: err.reason, message: err.message, diagnosis: report() };
  }
}

/** The affinity tiers of a clusterAffinities term: the term itself, then its overflow tiers for workloads. */
function termTiers(input: ScheduleInput, term: NonNullable<Placement['clusterAffinities']>[number]): ClusterAffinity[] {
  const overflow = isWorkload(input.spec) ? (term.overflowAffinities ?? []) : [];
  return [term, ...overflow];
}

/**
 * Schedules a binding: which clusters, how many replicas each, and why every other cluster was
 * left out. With clusterAffinities, terms are tried in order starting from the one the binding
 * was last scheduled by (from the first on a requested reschedule) until one succeeds; the
 * result names that term. When all fail, the first failure is reported with the term unchanged.
 */
export function schedule(input: ScheduleInput): ScheduleResult {
  const placement = input.spec.placement ?? {};
  const terms = placement.clusterAffinities ?? [];
  if (terms.length === 0) {
    return scheduleWithTiers(input, placement, placement.clusterAffinity ? [placement.clusterAffinity] : []);
  }
  const observed = input.status?.schedulerObservingAffinityName;
  const start = input.fresh ? 0 : Math.max(0, terms.findIndex((t) => t.affinityName === observed));
  let first: ScheduleResult | undefined;
  for (let i = start; i < terms.length; i++) {
    const term = terms[i]!;
    const attempt = scheduleWithTiers(input, placement, termTiers(input, term));
    if (attempt.ok) return { ...attempt, affinityName: term.affinityName };
    first ??= attempt;
  }
  return { ...first!, ...(observed !== undefined ? { affinityName: observed } : {}) };
}
