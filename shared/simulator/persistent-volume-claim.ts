// Simulated dynamic provisioning: a PersistentVolumeClaim turns Bound after the configured
// delay, with the capacity it asked for. No PersistentVolume objects are made.

import type { KubeObject } from '../object.js';

export interface ClaimStatus {
  phase?: string;
  accessModes?: string[];
  capacity?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface ClaimStep {
  status?: ClaimStatus;
  requeueAfterMs?: number;
}

export function claimBindingStep(pvc: KubeObject, now: number, delayMs: number): ClaimStep {
  const status = (pvc.status ?? {}) as ClaimStatus;
  if (status.phase === 'Bound' || pvc.metadata.deletionTimestamp) return {};
  const created = Date.parse(pvc.metadata.creationTimestamp ?? '');
  const wait = Number.isNaN(created) ? 0 : created + delayMs - now;
  if (wait > 0) return { requeueAfterMs: wait };
  const spec = (pvc.spec ?? {}) as { accessModes?: string[]; resources?: { requests?: Record<string, unknown> } };
  const storage = spec.resources?.requests?.storage;
  return {
    status: {
      ...status,
      phase: 'Bound',
      accessModes: spec.accessModes ?? ['ReadWriteOnce'],
      capacity: storage !== undefined ? { storage } : {},
    },
  };
}
