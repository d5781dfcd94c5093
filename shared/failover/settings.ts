// Failover's switches, as Karmada's controller-manager and webhook flags name them. Unlike
// Karmada, eviction on NoExecute taints is on by default: a multi-cluster manager is expected
// to move workloads off a dead cluster without being asked.

import type { ClusterPurgeMode } from './taint-eviction.js';

export interface FailoverSettings {
  /** --enable-no-execute-taint-eviction (Karmada: false). */
  enableNoExecuteTaintEviction: boolean;
  /** --no-execute-taint-eviction-purge-mode: for bindings whose policy sets no failover.cluster. */
  noExecuteTaintEvictionPurgeMode: ClusterPurgeMode;
  /**
   * Kubernetes' DefaultTolerationSeconds for clusters: a binding whose placement does not
   * tolerate the not-ready (or unreachable) NoExecute taint is treated as tolerating it this
   * long, so a blip evicts nothing. Negative turns the default off (evict at once).
   */
  defaultNotReadyTolerationSeconds: number;
  /** --resource-eviction-rate: evictions per second while the fleet is healthy. */
  resourceEvictionRate: number;
  /** Share of not-ready clusters above which evictions stop altogether (Kubernetes' unhealthy-zone-threshold). */
  unhealthyClusterThreshold: number;
  /** --graceful-eviction-timeout: how long an eviction task waits at most, in ms. */
  gracefulEvictionTimeoutMs: number;
}

export const defaultFailoverSettings: FailoverSettings = {
  enableNoExecuteTaintEviction: true,
  noExecuteTaintEvictionPurgeMode: 'Gracefully',
  defaultNotReadyTolerationSeconds: 300,
  resourceEvictionRate: 0.5,
  unhealthyClusterThreshold: 0.55,
  gracefulEvictionTimeoutMs: 600_000,
};

export function failoverSettings(ctx: { settings?: { failover?: Partial<FailoverSettings> } }): FailoverSettings {
  return { ...defaultFailoverSettings, ...(ctx.settings?.failover ?? {}) };
}

/**
 * Reads the settings from the worker's env var (a JSON object of any of the fields above), so
 * `flotilla up` flags reach the controllers. Unknown or ill-typed fields are ignored.
 */
export function parseFailoverSettings(json: string | undefined): Partial<FailoverSettings> {
  if (!json) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return {};
  }
  if (!raw || typeof raw !== 'object') return {};
  const out: Partial<FailoverSettings> = {};
  const r = raw as Record<string, unknown>;
  if (typeof r.enableNoExecuteTaintEviction === 'boolean') out.enableNoExecuteTaintEviction = r.enableNoExecuteTaintEviction;
  if (r.noExecuteTaintEvictionPurgeMode === 'Directly' || r.noExecuteTaintEvictionPurgeMode === 'Gracefully') out.noExecuteTaintEvictionPurgeMode = r.noExecuteTaintEvictionPurgeMode;
  for (const k of ['defaultNotReadyTolerationSeconds', 'resourceEvictionRate', 'unhealthyClusterThreshold', 'gracefulEvictionTimeoutMs'] as const) {
    const v = r[k];
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}
