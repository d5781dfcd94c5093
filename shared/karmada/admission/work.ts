import type { AdmissionPlugin } from '../../admission/plugin.js';
import type { KubeObject } from '../../object.js';
import { pruneManifest } from '../prune.js';
import {
  MANAGED_ANNOTATIONS_ANNOTATION,
  MANAGED_LABELS_ANNOTATION,
  WORK_GROUP,
  WORK_PERMANENT_ID_LABEL,
  type Work,
} from '../work.js';

/**
 * Karmada's Work webhook: the Work gets a permanent id, and every manifest is pruned,
 * carries that id as a label, and records which labels and annotations the control plane
 * owns (so the execution controller keeps the ones member-side tools add).
 */

type Obj = Record<string, unknown>;

function stringMap(v: unknown): Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...(v as Record<string, string>) } : {};
}

function metadataOf(obj: Obj): Obj {
  if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) obj.metadata = {};
  return obj.metadata as Obj;
}

/**
 * A manifest as the member should get it. Both records list themselves (and each other), so
 * stamping an already stamped manifest changes nothing and re-writing a Work is a no-op.
 */
export function stampManifest(manifest: Obj, workId: string): Obj {
  const obj = pruneManifest(manifest);
  const meta = metadataOf(obj);
  const labels = { ...stringMap(meta.labels), [WORK_PERMANENT_ID_LABEL]: workId };
  const annotations = stringMap(meta.annotations);
  const annotationKeys = new Set([...Object.keys(annotations), MANAGED_ANNOTATIONS_ANNOTATION, MANAGED_LABELS_ANNOTATION]);
  annotations[MANAGED_ANNOTATIONS_ANNOTATION] = [...annotationKeys].sort().join(',');
  annotations[MANAGED_LABELS_ANNOTATION] = Object.keys(labels).sort().join(',');
  meta.labels = labels;
  meta.annotations = annotations;
  return obj;
}

export function workPlugins(): AdmissionPlugin[] {
  return [
    {
      name: 'Work',
      resources: [`works.${WORK_GROUP}`],
      mutate({ object, newId }) {
        const w = structuredClone(object as unknown as Work);
        const labels = { ...(w.metadata.labels ?? {}) };
        if (!labels[WORK_PERMANENT_ID_LABEL]) labels[WORK_PERMANENT_ID_LABEL] = newId();
        w.metadata.labels = labels;
        const manifests = w.spec.workload?.manifests;
        if (manifests) w.spec.workload = { ...w.spec.workload, manifests: manifests.map((m) => stampManifest(m, labels[WORK_PERMANENT_ID_LABEL]!)) };
        return w as unknown as KubeObject;
      },
    },
  ];
}
