import type { Reconciler } from '../reconciler.js';

/**
 * karmada-controller-manager's per-controller concurrency flags and their defaults
 * (cmd/controller-manager/app/options/options.go); the
 * retry limiter's flags (--rate-limiter-base-delay 5ms, -max-delay 1000s, -qps 10,
 * -bucket-size 100) are rate-limiter.ts's defaults. Each limit here is per invocation: one
 * queue consumer runs at most this many keys of that controller at once; Cloudflare may run
 * several consumers side by side, so the global bound is this times the consumers running.
 */
export const KARMADA_CONCURRENCY_FLAGS: Readonly<Record<string, number>> = {
  'concurrent-cluster-syncs': 5,
  'concurrent-clusterresourcebinding-syncs': 5,
  'concurrent-resourcebinding-syncs': 5,
  'concurrent-work-syncs': 5,
  'concurrent-namespace-syncs': 1,
  'concurrent-propagation-policy-syncs': 1,
  'concurrent-cluster-propagation-policy-syncs': 1,
  'concurrent-resource-template-syncs': 5,
  'concurrent-dependent-resource-syncs': 2,
};

/** What a controller without a flag gets: controller-runtime's MaxConcurrentReconciles is 1, Karmada's common choice 5. */
export const DEFAULT_CONCURRENCY = 5;

/**
 * Keys of `reconciler` one invocation runs at once: an override by flag name (as the flag would
 * set it), else what the reconciler declares, else its flag's default, else 5.
 */
export function concurrencyOf(reconciler: Reconciler, overrides: Readonly<Record<string, number>> = {}): number {
  const flag = reconciler.maxConcurrentFlag;
  const chosen =
    (flag !== undefined ? overrides[flag] : undefined) ??
    overrides[reconciler.name] ??
    reconciler.concurrency ??
    (flag !== undefined ? KARMADA_CONCURRENCY_FLAGS[flag] : undefined) ??
    DEFAULT_CONCURRENCY;
  return Math.max(1, Math.floor(chosen));
}
