// The brake on evictions: a fleet-wide outage must not turn into a stampede. Evictions are
// spaced by the resource eviction rate (a slot every 1/rate seconds, shared by every
// controller that evicts), and stop altogether while more than the unhealthy threshold of
// clusters is not Ready (Kubernetes' node lifecycle controller does the same per zone).
// The state lives in one ConfigMap so every isolate sees the same brake and so do users.

import type { Cluster } from '../karmada/cluster.js';
import { CLUSTER_CONDITION_READY } from '../karmada/cluster.js';
import type { FailoverSettings } from './settings.js';

export const EVICTION_BRAKE_NAMESPACE = 'karmada-cluster';
export const EVICTION_BRAKE_NAME = 'eviction-brake';
/** Data keys of the brake's ConfigMap. */
export const BRAKE_NEXT_SLOT_KEY = 'nextEvictionTime';
export const BRAKE_STATE_KEY = 'state';
export const BRAKE_MESSAGE_KEY = 'message';

export type BrakeMode = 'Released' | 'Halted';

export interface FleetHealth {
  total: number;
  notReady: number;
  /** Names of the clusters that are not Ready, sorted. */
  notReadyClusters: string[];
}

export function isClusterReady(cluster: Cluster): boolean {
  return cluster.status?.conditions?.find((c) => c.type === CLUSTER_CONDITION_READY)?.status === 'True';
}

export function fleetHealth(clusters: readonly Cluster[]): FleetHealth {
  const live = clusters.filter((c) => !c.metadata.deletionTimestamp);
  const notReadyClusters = live.filter((c) => !isClusterReady(c)).map((c) => c.metadata.name ?? '').sort();
  return { total: live.length, notReady: notReadyClusters.length, notReadyClusters };
}

export interface BrakeState {
  mode: BrakeMode;
  health: FleetHealth;
  /** Evictions per second while released. */
  rate: number;
  /** The sentence users see (Event, `flotilla placement`). */
  message: string;
}

/** Whether evictions may run at all, and why not. */
export function brakeState(clusters: readonly Cluster[], settings: Pick<FailoverSettings, 'resourceEvictionRate' | 'unhealthyClusterThreshold'>): BrakeState {
  const health = fleetHealth(clusters);
  const share = health.total ? health.notReady / health.total : 0;
  const pct = Math.round(settings.unhealthyClusterThreshold * 100);
  if (health.total > 0 && share > settings.unhealthyClusterThreshold) {
    return {
      mode: 'Halted',
      health,
      rate: 0,
      message: `evictions halted: ${health.notReady} of ${health.total} clusters are not ready (${health.notReadyClusters.join(', ')}), more than the ${pct}% threshold`,
    };
  }
  if (settings.resourceEvictionRate <= 0) {
    return { mode: 'Halted', health, rate: 0, message: 'evictions halted: the resource eviction rate is 0' };
  }
  return {
    mode: 'Released',
    health,
    rate: settings.resourceEvictionRate,
    message: `evictions allowed at ${settings.resourceEvictionRate} per second (${health.notReady} of ${health.total} clusters not ready, threshold ${pct}%)`,
  };
}

export type SlotResult = { ok: true; nextSlotMs: number } | { ok: false; waitMs: number };

/**
 * Takes the next eviction slot: allowed when the stored next slot has come, and the next one
 * is then 1/rate seconds later. A slot not used while idle is not saved up (no burst).
 */
export function takeEvictionSlot(nextSlotMs: number | undefined, nowMs: number, rate: number): SlotResult {
  if (rate <= 0) return { ok: false, waitMs: Number.POSITIVE_INFINITY };
  const due = nextSlotMs ?? 0;
  if (due > nowMs) return { ok: false, waitMs: due - nowMs };
  return { ok: true, nextSlotMs: nowMs + Math.ceil(1000 / rate) };
}

/** What the brake's ConfigMap says, for readers such as `flotilla placement`. */
export interface StoredBrake {
  mode?: BrakeMode;
  message?: string;
  nextSlotMs?: number;
}

export function readStoredBrake(configMap: { data?: Record<string, string> } | undefined): StoredBrake {
  const data = configMap?.data ?? {};
  const next = data[BRAKE_NEXT_SLOT_KEY] ? Date.parse(data[BRAKE_NEXT_SLOT_KEY]) : NaN;
  const mode = data[BRAKE_STATE_KEY];
  return {
    ...(mode === 'Released' || mode === 'Halted' ? { mode } : {}),
    ...(data[BRAKE_MESSAGE_KEY] ? { message: data[BRAKE_MESSAGE_KEY] } : {}),
    ...(Number.isFinite(next) ? { nextSlotMs: next } : {}),
  };
}

/** One line for `flotilla placement`: the brake as the controllers last recorded it, or as the clusters say now. */
export function describeBrake(clusters: readonly Cluster[], configMap: { data?: Record<string, string> } | undefined, settings: Pick<FailoverSettings, 'resourceEvictionRate' | 'unhealthyClusterThreshold'>): string {
  const live = brakeState(clusters, settings);
  const stored = readStoredBrake(configMap);
  return `Eviction brake: ${live.mode} — ${live.message}${stored.mode && stored.mode !== live.mode ? ` (last recorded: ${stored.mode})` : ''}`;
}
