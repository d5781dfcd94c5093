import type { ClusterAffinity } from '../karmada/common.js';
import { labelSelectorMatches, type LabelSelector } from '../label-selector.js';

/** The parts of a Cluster that affinities look at (a Cluster object satisfies it). */
export interface ClusterIdentity {
  metadata: { name?: string; labels?: Record<string, string> | null };
  spec?: { provider?: string; region?: string; zones?: string[] | null };
}

interface FieldRequirement {
  key: string;
  operator: string;
  values?: string[];
}

// A cluster spans several zones: for In every one of them must be allowed, for NotIn none
// may be listed, and a cluster with no zones matches neither (as Karmada's matchZones).
function zonesMatch(req: FieldRequirement, zones: readonly string[]): boolean {
  if (zones.length === 0) return false;
  const values = req.values ?? [];
  if (req.operator === 'In') return zones.every((z) => values.includes(z));
  if (req.operator === 'NotIn') return zones.every((z) => !values.includes(z));
  return false;
}

// provider and region follow node selector semantics: In needs the field present and listed,
// NotIn is satisfied by an absent field.
function fieldMatches(req: FieldRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && value !== '' && values.includes(value);
    case 'NotIn':
      return value === undefined || value === '' || !values.includes(value);
    case 'Exists':
      return value !== undefined && value !== '';
    case 'DoesNotExist':
      return value === undefined || value === '';
    default:
      return false;
  }
}

/** Why a cluster does not match an affinity, in words; undefined when it matches. */
export function clusterAffinityMismatch(cluster: ClusterIdentity, affinity: ClusterAffinity | undefined): string | undefined {
  if (!affinity) return undefined;
  const name = cluster.metadata.name ?? '';
  if (affinity.exclude?.includes(name)) return 'cluster is excluded by the placement';
  if (affinity.labelSelector && !labelSelectorMatches(affinity.labelSelector as LabelSelector, cluster.metadata.labels ?? undefined)) {
    return "cluster's labels do not match the placement's labelSelector";
  }
  for (const req of affinity.fieldSelector?.matchExpressions ?? []) {
    const ok =
      req.key === 'zone'
        ? zonesMatch(req, cluster.spec?.zones ?? [])
        : fieldMatches(req, req.key === 'provider' ? cluster.spec?.provider : req.key === 'region' ? cluster.spec?.region : undefined);
    if (!ok) return `cluster's ${req.key} does not match the placement's fieldSelector (${req.key} ${req.operator} ${(req.values ?? []).join(',')})`;
  }
  if (affinity.clusterNames && affinity.clusterNames.length > 0 && !affinity.clusterNames.includes(name)) {
    return 'cluster is not in the placement\'s clusterNames';
  }
  return undefined;
}

/** Karmada's ClusterMatches: exclude wins, then every selector that is set must match. */
export function clusterMatchesAffinity(cluster: ClusterIdentity, affinity: ClusterAffinity | undefined): boolean {
  return clusterAffinityMismatch(cluster, affinity) === undefined;
}
