// The simulated StatefulSet controller: pods <name>-0…<name>-(n-1) with stable names and
// their own claims, created in order (each once the one before is Running and Ready) unless
// podManagementPolicy is Parallel, removed from the highest ordinal down, and rolled one pod
// at a time from the highest ordinal when the template changes.

import type { KubeObject } from '../object.js';
import { templateHash } from './hash.js';
import { availability, isDeleting, isReady, isTerminal, ownerReferenceTo } from './pod.js';
import { podFromTemplate, type PodTemplate } from './pod-template.js';

export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

interface ClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export interface StatefulSetSpec {
  replicas: number;
  start: number;
  parallel: boolean;
  onDelete: boolean;
  partition: number;
  minReadySeconds: number;
  serviceName?: string;
  template: PodTemplate;
  claims: ClaimTemplate[];
  selectorLabels: Record<string, string>;
}

export function statefulSetSpec(sts: KubeObject): StatefulSetSpec {
  const s = (sts.spec ?? {}) as Record<string, unknown>;
  const update = (s.updateStrategy ?? {}) as { type?: string; rollingUpdate?: { partition?: number } };
  return {
    replicas: typeof s.replicas === 'number' ? s.replicas : 1,
    start: ((s.ordinals as { start?: number } | undefined)?.start ?? 0) as number,
    parallel: s.podManagementPolicy === 'Parallel',
    onDelete: update.type === 'OnDelete',
    partition: update.rollingUpdate?.partition ?? 0,
    minReadySeconds: typeof s.minReadySeconds === 'number' ? s.minReadySeconds : 0,
    ...(typeof s.serviceName === 'string' ? { serviceName: s.serviceName } : {}),
    template: (s.template ?? {}) as PodTemplate,
    claims: (Array.isArray(s.volumeClaimTemplates) ? s.volumeClaimTemplates : []) as ClaimTemplate[],
    selectorLabels: ((s.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {}) as Record<string, string>,
  };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  [field: string]: unknown;
}

export interface StatefulSetPlan {
  /** Claims a pod about to be created needs; create those that do not exist yet. */
  claims: KubeObject[];
  create: KubeObject[];
  delete: KubeObject[];
  status: StatefulSetStatus;
  requeueAfterMs?: number;
}

export function claimName(template: ClaimTemplate, sts: string, ordinal: number): string {
  return `${template.metadata?.name ?? 'data'}-${sts}-${ordinal}`;
}

function ordinalOf(sts: string, pod: KubeObject): number | undefined {
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(`${sts}-`)) return undefined;
  const rest = name.slice(sts.length + 1);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

export function statefulSetPod(sts: KubeObject, spec: StatefulSetSpec, revision: string, ordinal: number): KubeObject {
  const stsName = sts.metadata.name ?? '';
  const name = `${stsName}-${ordinal}`;
  const claimVolumes = spec.claims.map((t) => ({ name: t.metadata?.name ?? 'data', persistentVolumeClaim: { claimName: claimName(t, stsName, ordinal) } }));
  const templateVolumes = ((spec.template.spec?.volumes ?? []) as Array<{ name: string }>).filter((v) => !claimVolumes.some((c) => c.name === v.name));
  const volumes = [...templateVolumes, ...claimVolumes];
  return podFromTemplate(spec.template, {
    namespace: sts.metadata.namespace ?? '',
    name,
    owner: ownerReferenceTo(sts),
    labels: { [CONTROLLER_REVISION_HASH]: revision, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) },
    spec: { hostname: name, ...(spec.serviceName ? { subdomain: spec.serviceName } : {}), ...(volumes.length ? { volumes } : {}) },
  });
}

function claimFor(sts: KubeObject, spec: StatefulSetSpec, t: ClaimTemplate, ordinal: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(t, sts.metadata.name ?? '', ordinal),
      namespace: sts.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}), ...spec.selectorLabels },
    },
    spec: { volumeMode: 'Filesystem', ...structuredClone(t.spec ?? {}) },
  };
}

/** `pods` are those the StatefulSet controls; `claims` the names of claims that exist in its namespace. */
export function statefulSetPlan(sts: KubeObject, pods: readonly KubeObject[], claims: ReadonlySet<string>, now: number): StatefulSetPlan {
  const spec = statefulSetSpec(sts);
  const name = sts.metadata.name ?? '';
  const revision = `${name}-${templateHash(spec.template)}`;
  const previous = (sts.status ?? {}) as StatefulSetStatus;
  const byOrdinal = new Map<number, KubeObject>();
  for (const pod of pods) {
    const i = ordinalOf(name, pod);
    if (i !== undefined) byOrdinal.set(i, pod);
  }
  const plan: StatefulSetPlan = { claims: [], create: [], delete: [], status: { replicas: 0, availableReplicas: 0 } };
  const inRange = (i: number): boolean => i >= spec.start && i < spec.start + spec.replicas;
  const healthy = (p: KubeObject | undefined): boolean => Boolean(p && !isDeleting(p) && !isTerminal(p) && isReady(p));
  const create = (i: number): void => {
    for (const t of spec.claims) {
      const claim = claimFor(sts, spec, t, i);
      if (!claims.has(claim.metadata.name!)) plan.claims.push(claim);
    }
    plan.create.push(statefulSetPod(sts, spec, revision, i));
  };

  if (!sts.metadata.deletionTimestamp) {
    let blocked = false;
    for (let i = spec.start; i < spec.start + spec.replicas; i++) {
      const pod = byOrdinal.get(i);
      // A finished pod is replaced, as the controller does with a Failed or Succeeded one.
      if (pod && isTerminal(pod) && !isDeleting(pod)) {
        plan.delete.push(pod);
        blocked = blocked || !spec.parallel;
        continue;
      }
      if (!pod) {
        if (!blocked) create(i);
        blocked = blocked || !spec.parallel;
        continue;
      }
      if (!healthy(pod) && !spec.parallel) blocked = true;
    }
    const condemned = [...byOrdinal.entries()].filter(([i, p]) => !inRange(i) && !isDeleting(p)).sort(([a], [b]) => b - a);
    const allHealthy = [...byOrdinal.entries()].filter(([i]) => inRange(i)).every(([, p]) => healthy(p)) && byOrdinal.size >= spec.replicas;
    if (condemned.length && (spec.parallel || (allHealthy && plan.create.length === 0))) {
      plan.delete.push(...(spec.parallel ? condemned.map(([, p]) => p) : [condemned[0]![1]]));
    } else if (!spec.onDelete && allHealthy && plan.create.length === 0 && plan.delete.length === 0) {
      const outdated = [...byOrdinal.entries()]
        .filter(([i, p]) => inRange(i) && i >= spec.partition && p.metadata.labels?.[CONTROLLER_REVISION_HASH] !== revision)
        .sort(([a], [b]) => b - a);
      if (outdated.length) plan.delete.push(outdated[0]![1]);
    }
  }

  let replicas = 0;
  let ready = 0;
  let available = 0;
  let current = 0;
  let updated = 0;
  let recheck: number | undefined;
  const currentRevision = previous.currentRevision ?? revision;
  for (const pod of byOrdinal.values()) {
    replicas++;
    if (isReady(pod) && !isTerminal(pod)) ready++;
    const a = availability(pod, spec.minReadySeconds, now);
    if (a.available) available++;
    else if (a.recheckInMs !== undefined) recheck = Math.min(recheck ?? Infinity, a.recheckInMs);
    if (isDeleting(pod)) continue;
    const r = pod.metadata.labels?.[CONTROLLER_REVISION_HASH];
    if (r === currentRevision) current++;
    if (r === revision) updated++;
  }
  const rolledOut = !spec.onDelete && updated === replicas && ready === replicas;
  plan.status = {
    ...previous,
    observedGeneration: sts.metadata.generation ?? 0,
    replicas,
    readyReplicas: ready,
    currentReplicas: rolledOut ? updated : current,
    updatedReplicas: updated,
    availableReplicas: available,
    currentRevision: rolledOut ? revision : currentRevision,
    updateRevision: revision,
    collisionCount: previous.collisionCount ?? 0,
  };
  for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) if (plan.status[k] === 0) delete plan.status[k];
  if (recheck !== undefined) plan.requeueAfterMs = recheck;
  return plan;
}
