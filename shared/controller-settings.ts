import type { FailoverSettings } from './failover/settings.js';

/**
 * The control plane's settings that Karmada exposes as controller-manager and scheduler
 * flags. One object, so the worker (from its env) and tests (directly) configure the same thing.
 */
export interface ControllerSettings {
  /** --enable-scheduler-estimator: the node-level estimator (Karmada: off; Flotilla: on). */
  enableSchedulerEstimator: boolean;
  /** SchedulingOvercommitProtection feature gate (Karmada: off). */
  schedulingOvercommitProtection: boolean;
  /** --cluster-status-update-frequency, in ms (Karmada: 10 s). */
  clusterStatusUpdateFrequencyMs: number;
  /** --cluster-lease-duration for Pull clusters, in ms (Karmada: 40 s), and the grace period after it. */
  clusterLeaseDurationMs: number;
  clusterMonitorGracePeriodMs: number;
  /** Deadline of one member call, in ms. */
  memberTimeoutMs: number;
  /** Taint manager, eviction brake, graceful eviction (shared/failover/settings.ts); defaults when absent. */
  failover?: Partial<FailoverSettings>;
}

export const defaultControllerSettings: ControllerSettings = {
  enableSchedulerEstimator: true,
  schedulingOvercommitProtection: false,
  clusterStatusUpdateFrequencyMs: 10_000,
  clusterLeaseDurationMs: 40_000,
  clusterMonitorGracePeriodMs: 40_000,
  memberTimeoutMs: 10_000,
};

export function controllerSettings(ctx: { settings?: ControllerSettings }): ControllerSettings {
  return ctx.settings ?? defaultControllerSettings;
}
