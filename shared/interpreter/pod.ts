import type { KubeObject } from '../object.js';
import { arrayAt, clone, isRecord, recordAt, stringAt, withStatus, type JsonObject } from './fields.js';
import { podSpecDependencies } from './pod-dependencies.js';
import { replicaRequirementsOf } from './replica-requirements.js';
import type { AggregatedStatusItem, GetReplicasOptions, Health, KindInterpreter, ReplicaResult } from './types.js';

/** A Pod is one replica. */
export function getPodReplicas(obj: KubeObject, options?: GetReplicasOptions): ReplicaResult {
  const requirements = replicaRequirementsOf(recordAt(obj, 'spec'), obj.metadata.namespace, options);
  return requirements ? { replicas: 1, requirements } : { replicas: 1 };
}

export function interpretPodHealth(obj: KubeObject): Health {
  const phase = stringAt(obj, 'status', 'phase');
  if (phase === 'Succeeded') return 'Healthy';
  const ready = (arrayAt(obj, 'status', 'conditions') ?? []).some((c) => isRecord(c) && c.type === 'Ready' && c.status === 'True');
  return phase === 'Running' && ready ? 'Healthy' : 'Unhealthy';
}

/** The worst phase wins; Unknown is deprecated and never reported. */
const PHASE_PRECEDENCE = ['Failed', 'Pending', 'Running', 'Succeeded'];

function readyAndState(statuses: unknown[] | undefined): JsonObject[] {
  return (statuses ?? []).filter(isRecord).map((s) => {
    const out: JsonObject = { ready: s.ready === true };
    if (isRecord(s.state)) out.state = clone(s.state);
    return out;
  });
}

/**
 * Every member's container readiness and states, and one phase: a member that has not
 * reported yet counts as Pending, so the Pod does not look Running before it is.
 */
export function aggregatePodStatus(template: KubeObject, items: readonly AggregatedStatusItem[]): KubeObject {
  if (items.length === 0) return template;
  const phases = new Set<string>();
  const containerStatuses: JsonObject[] = [];
  const initContainerStatuses: JsonObject[] = [];
  for (const item of items) {
    if (!item.status) {
      phases.add('Pending');
      continue;
    }
    phases.add(stringAt(item.status, 'phase') ?? '');
    containerStatuses.push(...readyAndState(arrayAt(item.status, 'containerStatuses')));
    initContainerStatuses.push(...readyAndState(arrayAt(item.status, 'initContainerStatuses')));
  }
  const next: JsonObject = {};
  if (containerStatuses.length > 0) next.containerStatuses = containerStatuses;
  if (initContainerStatuses.length > 0) next.initContainerStatuses = initContainerStatuses;
  const phase = PHASE_PRECEDENCE.find((p) => phases.has(p));
  if (phase) next.phase = phase;
  return withStatus(template, next);
}

function containersByName(obj: KubeObject, field: string): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const c of arrayAt(obj, 'spec', field) ?? []) if (isRecord(c) && typeof c.name === 'string') out.set(c.name, c);
  return out;
}

function setOrDelete(target: JsonObject, key: string, value: unknown): void {
  if (value === undefined || value === null) delete target[key];
  else target[key] = clone(value);
}

/**
 * What the member decided for a running Pod and that cannot change: the node it was bound
 * to, the service account and the volumes (and mounts) admission injected.
 */
export function retainPodFields(desired: KubeObject, observed: KubeObject): KubeObject {
  const out = clone(desired);
  const spec = recordAt(out, 'spec') ?? {};
  out.spec = spec;
  const seen = recordAt(observed, 'spec') ?? {};
  setOrDelete(spec, 'nodeName', seen.nodeName);
  setOrDelete(spec, 'serviceAccountName', seen.serviceAccountName);
  setOrDelete(spec, 'volumes', seen.volumes);
  for (const field of ['containers', 'initContainers']) {
    const observedContainers = containersByName(observed, field);
    for (const c of arrayAt(spec, field) ?? []) {
      if (!isRecord(c) || typeof c.name !== 'string') continue;
      const match = observedContainers.get(c.name);
      if (match) setOrDelete(c, 'volumeMounts', match.volumeMounts);
    }
  }
  return out;
}

export const podInterpreter: KindInterpreter = {
  apiVersion: 'v1',
  kind: 'Pod',
  getReplicas: getPodReplicas,
  interpretHealth: interpretPodHealth,
  aggregateStatus: aggregatePodStatus,
  retain: retainPodFields,
  getDependencies: (obj) => podSpecDependencies(recordAt(obj, 'spec'), obj.metadata.namespace ?? ''),
};
