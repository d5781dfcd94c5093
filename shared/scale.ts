import type { KubeObject } from './object.js';
import { requirementsFromSelector, type LabelSelector, type Requirement } from './label-selector.js';

/** metav1.LabelSelector rendered as a selector string, as kube's LabelSelectorAsSelector().String() does. */
export function selectorString(sel: unknown): string {
  if (!sel || typeof sel !== 'object') return '';
  const s = sel as Record<string, unknown>;
  // ReplicationControllers carry a bare map instead of a LabelSelector.
  const labelSelector: LabelSelector =
    'matchLabels' in s || 'matchExpressions' in s ? (s as LabelSelector) : { matchLabels: s as Record<string, string> };
  const reqs: Requirement[] = requirementsFromSelector(labelSelector).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs
    .map((r) => {
      switch (r.op) {
        case 'in':
          return r.values.length === 1 && labelSelector.matchLabels?.[r.key] === r.values[0] ? `${r.key}=${r.values[0]}` : `${r.key} in (${[...r.values].sort().join(',')})`;
        case 'notin':
          return `${r.key} notin (${[...r.values].sort().join(',')})`;
        case 'exists':
          return r.key;
        case '!exists':
          return `!${r.key}`;
        default:
          return '';
      }
    })
    .join(',');
}

/**
 * An autoscaling/v1 Scale for `obj`: the one envelope built-in workloads and custom
 * resources share. A missing replica count reads as 0; an undefined selector is left out.
 */
export function scaleObject(obj: KubeObject, replicas: unknown, statusReplicas: unknown, selector: string | undefined): KubeObject {
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: typeof replicas === 'number' ? replicas : 0 },
    status: { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0, ...(selector !== undefined ? { selector } : {}) },
  };
}

/** The autoscaling/v1 Scale view of a workload (deployments, statefulsets, replicasets, RCs). */
export function scaleOf(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const status = (obj.status ?? {}) as Record<string, unknown>;
  return scaleObject(obj, spec.replicas, status.replicas, selectorString(spec.selector));
}

/** Carries a Scale's desired replicas into the workload; everything else in a Scale is read-only. */
export function applyScale(obj: KubeObject, scale: KubeObject): KubeObject {
  const replicas = (scale.spec as Record<string, unknown> | undefined)?.replicas;
  return { ...obj, spec: { ...((obj.spec as Record<string, unknown>) ?? {}), replicas: typeof replicas === 'number' ? replicas : 0 } };
}
