import { arrayAt, isRecord, stringAt, type JsonObject } from './fields.js';
import type { AggregatedStatusItem } from './types.js';

/**
 * status.loadBalancer.ingress of Services and Ingresses across clusters: the union of every
 * member's entries, duplicates (the same hostname behind several clusters) removed and
 * sorted so the aggregate does not change with the order members report in.
 */

function sortKey(entry: JsonObject): string {
  return `${stringAt(entry, 'ip') ?? ''}\u0000${stringAt(entry, 'hostname') ?? ''}\u0000${JSON.stringify(entry)}`;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (!isRecord(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, canonical(v[k])]),
  );
}

export function unionLoadBalancerIngress(items: readonly AggregatedStatusItem[]): JsonObject[] {
  const byKey = new Map<string, JsonObject>();
  for (const item of items) {
    if (!item.status) continue;
    for (const entry of arrayAt(item.status, 'loadBalancer', 'ingress') ?? []) {
      if (!isRecord(entry)) continue;
      const c = canonical(entry) as JsonObject;
      byKey.set(JSON.stringify(c), c);
    }
  }
  return [...byKey.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

/** The aggregated status: the union under loadBalancer, nothing else. */
export function loadBalancerStatus(items: readonly AggregatedStatusItem[]): JsonObject {
  const ingress = unionLoadBalancerIngress(items);
  return { loadBalancer: ingress.length > 0 ? { ingress } : {} };
}

/** Whether a load balancer got an address: some ingress entry with an IP or a hostname. */
export function hasLoadBalancerAddress(status: unknown): boolean {
  return (arrayAt(status, 'loadBalancer', 'ingress') ?? []).some((e) => isRecord(e) && (!!stringAt(e, 'ip') || !!stringAt(e, 'hostname')));
}
