// What `flotilla placement` prints about failover for one binding: the eviction tasks still
// open (from where, why, how the old copy goes, since when) and the brake, in words.

import type { BindingSpec } from '../karmada/resource-binding.js';
import type { Cluster } from '../karmada/cluster.js';
import { describeBrake } from './eviction-brake.js';
import { defaultFailoverSettings, type FailoverSettings } from './settings.js';
import { purgesDirectly } from './eviction-task.js';

/** One line per open eviction task of the binding; [] when none. */
export function describeEvictionTasks(spec: Pick<BindingSpec, 'gracefulEvictionTasks'>, timeoutMs = defaultFailoverSettings.gracefulEvictionTimeoutMs): string[] {
  return (spec.gracefulEvictionTasks ?? []).map((t) => {
    const mode = t.purgeMode ?? 'Gracefully';
    const old =
      t.suppressDeletion === true
        ? 'the old copy is kept (suppressDeletion)'
        : purgesDirectly(t)
          ? 'the old copy was removed at once'
          : `the old copy stays until the new placement is healthy or ${t.gracePeriodSeconds ?? timeoutMs / 1000}s pass`;
    const since = t.creationTimestamp ? ` since ${t.creationTimestamp}` : '';
    return `evicting from ${t.fromCluster}${since}: ${t.reason}${t.message ? ` (${t.message})` : ''}, by ${t.producer}, purgeMode ${mode}; ${old}`;
  });
}

/** The failover section of `flotilla placement`: eviction tasks, then the brake. */
export function describeFailover(
  spec: Pick<BindingSpec, 'gracefulEvictionTasks'>,
  clusters: readonly Cluster[],
  brakeConfigMap: { data?: Record<string, string> } | undefined,
  settings: Partial<FailoverSettings> = {},
): string[] {
  const s = { ...defaultFailoverSettings, ...settings };
  return [...describeEvictionTasks(spec, s.gracefulEvictionTimeoutMs), describeBrake(clusters, brakeConfigMap, s)];
}
