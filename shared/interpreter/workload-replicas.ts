import type { KubeObject } from '../object.js';
import { clone, intAt, recordAt, setAt } from './fields.js';
import { replicaRequirementsOf } from './replica-requirements.js';
import type { GetReplicasOptions, ReplicaResult } from './types.js';

/** spec.replicas and what one pod of spec.template needs (Deployment, ReplicaSet, StatefulSet). */
export function specReplicas(obj: KubeObject, options?: GetReplicasOptions): ReplicaResult {
  const replicas = intAt(obj, 'spec', 'replicas') ?? 0;
  const requirements = replicaRequirementsOf(recordAt(obj, 'spec', 'template', 'spec'), obj.metadata.namespace, options);
  return requirements ? { replicas, requirements } : { replicas };
}

/**
 * Sets spec.<field> to this cluster's share, only where the template has the field
 * (helper.ApplyReplica): an absent count was never divided.
 */
export function reviseSpecCount(obj: KubeObject, field: string, value: number): KubeObject {
  if (intAt(obj, 'spec', field) === undefined) return obj;
  const out = clone(obj);
  setAt(out, ['spec', field], value);
  return out;
}
