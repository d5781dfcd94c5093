import type { KubeObject } from '../object.js';
import { clone, setAt, stringAt, withStatus } from './fields.js';
import type { AggregatedStatusItem, Health, KindInterpreter } from './types.js';

export function interpretPersistentVolumeClaimHealth(obj: KubeObject): Health {
  return stringAt(obj, 'status', 'phase') === 'Bound' ? 'Healthy' : 'Unhealthy';
}

/**
 * Bound only when every member's claim is: a Lost claim anywhere makes it Lost, otherwise
 * the last member reporting another phase decides. Members with no status yet are skipped.
 */
export function aggregatePersistentVolumeClaimStatus(template: KubeObject, items: readonly AggregatedStatusItem[]): KubeObject {
  let phase = 'Bound';
  for (const item of items) {
    if (!item.status) continue;
    const memberPhase = stringAt(item.status, 'phase') ?? '';
    if (memberPhase === 'Lost') {
      phase = 'Lost';
      break;
    }
    if (memberPhase !== 'Bound') phase = memberPhase;
  }
  return withStatus(template, phase ? { phase } : {});
}

/** The member binds the claim to one of its volumes, and the binding cannot change. */
export function retainPersistentVolumeClaimFields(desired: KubeObject, observed: KubeObject): KubeObject {
  const volumeName = stringAt(observed, 'spec', 'volumeName');
  if (!volumeName) return desired;
  const out = clone(desired);
  setAt(out, ['spec', 'volumeName'], volumeName);
  return out;
}

export const persistentVolumeClaimInterpreter: KindInterpreter = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  interpretHealth: interpretPersistentVolumeClaimHealth,
  aggregateStatus: aggregatePersistentVolumeClaimStatus,
  retain: retainPersistentVolumeClaimFields,
};
