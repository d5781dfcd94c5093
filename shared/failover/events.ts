// Events that say what moved, from where, to where and why: core/v1 Events as controllers
// record them, on the binding (and the cluster) concerned.

import type { KubeObject } from '../object.js';

export const EVENT_REASON_EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED = 'EvictWorkloadFromClusterSucceed';
export const EVENT_REASON_EVICT_WORKLOAD_FROM_CLUSTER_FAILED = 'EvictWorkloadFromClusterFailed';
export const EVENT_REASON_EVICTION_TASK_DONE = 'GracefulEvictionTaskDone';
export const EVENT_REASON_EVICTION_HALTED = 'EvictionHalted';
export const EVENT_REASON_EVICTION_RESUMED = 'EvictionResumed';
export const EVENT_REASON_TAINT_CLUSTER_SUCCEED = 'TaintClusterSucceed';

export interface EventInput {
  /** The object the event is about (apiVersion, kind, name, namespace, uid are used). */
  about: Pick<KubeObject, 'apiVersion' | 'kind'> & { metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string } };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
  nowMs: number;
}

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A v1 Event (name `<object>.<hex>`, in the object's namespace, `default` for cluster-scoped ones). */
export function buildEvent(input: EventInput): KubeObject {
  const { about } = input;
  const at = rfc3339(input.nowMs);
  const namespace = about.metadata.namespace || 'default';
  const suffix = Math.floor(input.nowMs * 1000 + Math.random() * 1000).toString(16);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${about.metadata.name ?? 'object'}.${suffix}`, namespace },
    involvedObject: {
      apiVersion: about.apiVersion,
      kind: about.kind,
      name: about.metadata.name,
      ...(about.metadata.namespace ? { namespace: about.metadata.namespace } : {}),
      ...(about.metadata.uid ? { uid: about.metadata.uid } : {}),
    },
    reason: input.reason,
    message: input.message.slice(0, 1024),
    type: input.type,
    source: { component: input.component },
    reportingComponent: input.component,
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  } as KubeObject;
}
