// The answer to "why did my workload land there, and where would this policy put it?": one
// binding's scheduling outcome with every cluster's verdict (the filter that refused it, in
// words), its score, the replicas it could still take and the replicas it gets. What
// `flotilla placement` prints and the placement subresource returns.

import type { ResourceBinding } from '../karmada/resource-binding.js';
import type { ClusterDiagnosis, ScheduledCluster } from '../scheduler/types.js';
import { assignStrategy } from '../scheduler/replica-scheduling.js';

export const PLACEMENT_REPORT_KIND = 'PlacementReport';
export const PLACEMENT_REPORT_API_VERSION = 'work.karmada.io/v1alpha2';

export interface ClusterPlacement {
  name: string;
  /** Fits: passed every filter; Filtered: refused (see reason); Deleting: being removed. */
  verdict: 'Fits' | 'Filtered';
  plugin?: string;
  reason?: string;
  score?: number;
  availableReplicas?: number;
  /** Replicas the result gives it (Duplicated: each selected cluster gets all). */
  replicas?: number;
  selected: boolean;
}

export interface PlacementReport {
  kind: typeof PLACEMENT_REPORT_KIND;
  apiVersion: typeof PLACEMENT_REPORT_API_VERSION;
  binding: { kind: string; namespace?: string; name: string };
  resource: { apiVersion: string; kind: string; namespace?: string; name: string };
  replicas: number;
  /** Duplicated, StaticWeight, DynamicWeight or Aggregated. */
  strategy: string;
  scheduled: boolean;
  /** Success, or the Scheduled condition's failure reason (NoClusterFit, Unschedulable, SchedulerError). */
  reason: string;
  message?: string;
  affinityName?: string;
  /** The division this scheduling gives. */
  result: ScheduledCluster[];
  /** What the binding holds now (absent for a dry run). */
  current?: ScheduledCluster[];
  clusters: ClusterPlacement[];
  /** Open eviction tasks and the eviction brake, one sentence each (shared/failover/placement-report.ts). */
  failover?: string[];
}

export interface SchedulingOutcomeLike {
  ok: boolean;
  clusters?: ScheduledCluster[];
  reason?: string;
  message?: string;
  affinityName?: string;
  diagnosis: ClusterDiagnosis[];
}

export function placementReport(binding: Pick<ResourceBinding, 'kind' | 'metadata' | 'spec'>, outcome: SchedulingOutcomeLike, opts: { dryRun?: boolean } = {}): PlacementReport {
  const result = outcome.ok ? (outcome.clusters ?? []) : [];
  const chosen = new Map(result.map((t) => [t.name, t]));
  const res = binding.spec.resource;
  return {
    kind: PLACEMENT_REPORT_KIND,
    apiVersion: PLACEMENT_REPORT_API_VERSION,
    binding: { kind: binding.kind ?? 'ResourceBinding', ...(binding.metadata.namespace ? { namespace: binding.metadata.namespace } : {}), name: binding.metadata.name ?? '' },
    resource: { apiVersion: res.apiVersion, kind: res.kind, ...(res.namespace ? { namespace: res.namespace } : {}), name: res.name },
    replicas: binding.spec.replicas ?? 0,
    strategy: assignStrategy(binding.spec.placement ?? {}),
    scheduled: outcome.ok,
    reason: outcome.ok ? 'Success' : (outcome.reason ?? 'SchedulerError'),
    ...(outcome.message ? { message: outcome.message } : {}),
    ...(outcome.affinityName ? { affinityName: outcome.affinityName } : {}),
    result,
    ...(opts.dryRun ? {} : { current: binding.spec.clusters ?? [] }),
    clusters: outcome.diagnosis.map((d) => ({
      name: d.cluster,
      verdict: d.fits ? 'Fits' : 'Filtered',
      ...(d.plugin ? { plugin: d.plugin } : {}),
      ...(d.reason ? { reason: d.reason } : {}),
      ...(d.score !== undefined ? { score: d.score } : {}),
      ...(d.availableReplicas !== undefined ? { availableReplicas: d.availableReplicas } : {}),
      ...(chosen.get(d.cluster)?.replicas !== undefined ? { replicas: chosen.get(d.cluster)!.replicas } : {}),
      selected: chosen.has(d.cluster),
    })),
  };
}

/** The report as a table, one row per cluster, then the outcome: what the CLI prints. */
export function formatPlacementReport(r: PlacementReport): string {
  const lines: string[] = [];
  const ns = r.resource.namespace ? `${r.resource.namespace}/` : '';
  lines.push(`${r.resource.kind} ${ns}${r.resource.name} (binding ${r.binding.namespace ? `${r.binding.namespace}/` : ''}${r.binding.name}): ${r.strategy}, ${r.replicas} replicas`);
  if (r.affinityName) lines.push(`cluster affinity term: ${r.affinityName}`);
  const rows = [['CLUSTER', 'VERDICT', 'SCORE', 'AVAILABLE', 'REPLICAS', 'REASON']];
  for (const c of r.clusters) {
    rows.push([
      c.name,
      c.selected ? 'Selected' : c.verdict,
      c.score === undefined ? '-' : String(c.score),
      c.availableReplicas === undefined ? '-' : String(c.availableReplicas),
      c.selected ? (c.replicas === undefined ? 'all' : String(c.replicas)) : '-',
      c.reason ? `${c.plugin ? `${c.plugin}: ` : ''}${c.reason}` : c.verdict === 'Fits' && !c.selected ? 'fits, not selected' : '',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) lines.push(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join('').trimEnd());
  const division = r.result.map((t) => `${t.name}:${t.replicas ?? 'all'}`).join(', ');
  lines.push(r.scheduled ? `Scheduled: ${division || '(no clusters)'}` : `Not scheduled (${r.reason}): ${r.message ?? ''}`);
  if (r.current && (r.current.length || r.result.length)) {
    const now = r.current.map((t) => `${t.name}:${t.replicas ?? 'all'}`).join(', ');
    if (now !== division) lines.push(`Currently: ${now || '(no clusters)'}`);
  }
  for (const line of r.failover ?? []) lines.push(line);
  return lines.join('\n');
}
