// Simulated load balancers: a Service of type LoadBalancer gets an ingress address from the
// member's range after the configured delay (as a cloud provider's controller would), and
// loses it when its type changes; an Ingress gets the member's ingress-controller address.

import type { KubeObject } from '../object.js';

export interface LoadBalancerStatus {
  ingress?: Array<{ ip: string; ipMode?: string }>;
}

export interface LoadBalancerStep {
  /** The new status.loadBalancer; undefined when nothing changes now. */
  loadBalancer?: LoadBalancerStatus;
  /** The ingress address is due later. */
  requeueAfterMs?: number;
  /** An address must be picked (the caller knows which are taken). */
  needsAddress?: boolean;
}

function currentIngress(obj: KubeObject): LoadBalancerStatus['ingress'] {
  return ((obj.status as { loadBalancer?: LoadBalancerStatus } | undefined)?.loadBalancer?.ingress ?? []);
}

function ageMs(obj: KubeObject, now: number): number {
  const created = Date.parse(obj.metadata.creationTimestamp ?? '');
  return Number.isNaN(created) ? Infinity : now - created;
}

function wantsLoadBalancer(svc: KubeObject): boolean {
  const spec = (svc.spec ?? {}) as { type?: string; loadBalancerClass?: string };
  // A Service naming another load balancer class is some other controller's to serve.
  return spec.type === 'LoadBalancer' && !spec.loadBalancerClass;
}

/** What the service controller does next for a Service, given the address it would hand out. */
export function serviceLoadBalancerStep(svc: KubeObject, now: number, delayMs: number, address?: string): LoadBalancerStep {
  const ingress = currentIngress(svc) ?? [];
  if (!wantsLoadBalancer(svc) || svc.metadata.deletionTimestamp) return ingress.length ? { loadBalancer: {} } : {};
  if (ingress.length) return {};
  const wait = delayMs - ageMs(svc, now);
  if (wait > 0) return { requeueAfterMs: wait };
  if (!address) return { needsAddress: true };
  return { loadBalancer: { ingress: [{ ip: address, ipMode: 'VIP' }] } };
}

/** What the ingress controller reports for an Ingress. */
export function ingressStep(ing: KubeObject, now: number, delayMs: number, address: string): LoadBalancerStep {
  const ingress = currentIngress(ing) ?? [];
  if (ing.metadata.deletionTimestamp || (ingress.length === 1 && ingress[0]!.ip === address)) return {};
  const wait = delayMs - ageMs(ing, now);
  if (wait > 0) return { requeueAfterMs: wait };
  return { loadBalancer: { ingress: [{ ip: address }] } };
}
