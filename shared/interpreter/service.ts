import type { KubeObject } from '../object.js';
import { arrayAt, clone, intAt, recordAt, setAt, stringAt, withStatus, type JsonObject } from './fields.js';
import { hasLoadBalancerAddress, loadBalancerStatus } from './load-balancer-ingress.js';
import type { AggregatedStatusItem, Health, KindInterpreter } from './types.js';

function isLoadBalancer(obj: KubeObject): boolean {
  return stringAt(obj, 'spec', 'type') === 'LoadBalancer';
}

/** Only a LoadBalancer Service has a status worth collecting: its addresses. */
export function reflectServiceStatus(obj: KubeObject): JsonObject | undefined {
  if (!isLoadBalancer(obj)) return undefined;
  const status = recordAt(obj, 'status');
  if (status === undefined) return undefined;
  return { loadBalancer: clone(recordAt(status, 'loadBalancer') ?? {}) };
}

export function interpretServiceHealth(obj: KubeObject): Health {
  if (!isLoadBalancer(obj)) return 'Healthy';
  return hasLoadBalancerAddress(recordAt(obj, 'status')) ? 'Healthy' : 'Unhealthy';
}

export function aggregateServiceStatus(template: KubeObject, items: readonly AggregatedStatusItem[]): KubeObject {
  if (!isLoadBalancer(template)) return template;
  return withStatus(template, loadBalancerStatus(items));
}

/**
 * Addresses the member allocated and will not let an update change: the cluster IP(s) and
 * the health-check node port.
 */
export function retainServiceFields(desired: KubeObject, observed: KubeObject): KubeObject {
  const clusterIP = stringAt(observed, 'spec', 'clusterIP');
  const clusterIPs = arrayAt(observed, 'spec', 'clusterIPs');
  const healthCheckNodePort = intAt(observed, 'spec', 'healthCheckNodePort');
  const out = clone(desired);
  if (clusterIP) setAt(out, ['spec', 'clusterIP'], clusterIP);
  if (clusterIPs && clusterIPs.length > 0) setAt(out, ['spec', 'clusterIPs'], clone(clusterIPs));
  if (healthCheckNodePort !== undefined && healthCheckNodePort > 0) setAt(out, ['spec', 'healthCheckNodePort'], healthCheckNodePort);
  return out;
}

export const serviceInterpreter: KindInterpreter = {
  apiVersion: 'v1',
  kind: 'Service',
  reflectStatus: reflectServiceStatus,
  interpretHealth: interpretServiceHealth,
  aggregateStatus: aggregateServiceStatus,
  retain: retainServiceFields,
};
