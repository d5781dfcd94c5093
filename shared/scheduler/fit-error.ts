import type { ClusterDiagnosis } from './types.js';

/**
 * Karmada's FitError message: "0/N clusters are available: " and, for each distinct reason, how
 * many clusters it refused, sorted as strings. N counts every cluster, those being deleted too.
 */
export function fitErrorMessage(totalClusters: number, refused: readonly ClusterDiagnosis[]): string {
  const counts = new Map<string, number>();
  for (const d of refused) if (d.reason && d.plugin) counts.set(d.reason, (counts.get(d.reason) ?? 0) + 1);
  if (totalClusters === 0 || counts.size === 0) return `0/${totalClusters} clusters are available: no cluster exists.`;
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  return `0/${totalClusters} clusters are available: ${parts.join(', ')}.`;
}
