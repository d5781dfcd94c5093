import type { KubeObject } from '../object.js';
import { arrayAt, isRecord, recordAt, stringAt, withStatus } from './fields.js';
import { hasLoadBalancerAddress, loadBalancerStatus } from './load-balancer-ingress.js';
import type { AggregatedStatusItem, DependentObjectReference, Health, KindInterpreter } from './types.js';

export function interpretIngressHealth(obj: KubeObject): Health {
  return hasLoadBalancerAddress(recordAt(obj, 'status')) ? 'Healthy' : 'Unhealthy';
}

export function aggregateIngressStatus(template: KubeObject, items: readonly AggregatedStatusItem[]): KubeObject {
  return withStatus(template, loadBalancerStatus(items));
}

/** The TLS certificates the Ingress serves must be in each cluster beside it. */
export function getIngressDependencies(obj: KubeObject): DependentObjectReference[] {
  const namespace = obj.metadata.namespace ?? '';
  const names = new Set<string>();
  for (const tls of arrayAt(obj, 'spec', 'tls') ?? []) {
    const name = isRecord(tls) ? stringAt(tls, 'secretName') : undefined;
    if (name) names.add(name);
  }
  return [...names].map((name) => ({ apiVersion: 'v1', kind: 'Secret', namespace, name }));
}

/** The member's whole status is reflected (the default). */
export const ingressInterpreter: KindInterpreter = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  interpretHealth: interpretIngressHealth,
  aggregateStatus: aggregateIngressStatus,
  getDependencies: getIngressDependencies,
};
