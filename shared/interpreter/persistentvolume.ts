import type { KubeObject } from '../object.js';
import { clone, recordAt, setAt, stringAt, withStatus, type JsonObject } from './fields.js';
import type { AggregatedStatusItem, KindInterpreter } from './types.js';

/** The worst phase wins; a member that has not reported yet counts as Pending. */
const PHASE_PRECEDENCE = ['Failed', 'Pending', 'Available', 'Bound', 'Released'];

export function aggregatePersistentVolumeStatus(template: KubeObject, items: readonly AggregatedStatusItem[]): KubeObject {
  const phases = new Set(items.map((item) => (item.status ? (stringAt(item.status, 'phase') ?? '') : 'Pending')));
  const phase = PHASE_PRECEDENCE.find((p) => phases.has(p));
  const next: JsonObject = phase ? { phase } : {};
  return withStatus(template, next);
}

/** The member's volume controller binds the volume to a claim there. */
export function retainPersistentVolumeFields(desired: KubeObject, observed: KubeObject): KubeObject {
  const claimRef = recordAt(observed, 'spec', 'claimRef');
  if (claimRef === undefined) return desired;
  const out = clone(desired);
  setAt(out, ['spec', 'claimRef'], clone(claimRef));
  return out;
}

export const persistentVolumeInterpreter: KindInterpreter = {
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  aggregateStatus: aggregatePersistentVolumeStatus,
  retain: retainPersistentVolumeFields,
};
