// The simulated Deployment controller, after kube-controller-manager's: a ReplicaSet per pod
// template (named by its pod-template-hash), rolled with maxSurge/maxUnavailable or Recreate,
// old ReplicaSets pruned to revisionHistoryLimit, and status and conditions (Available,
// Progressing, ProgressDeadlineExceeded) computed from the ReplicaSets. One step per pass:
// the ReplicaSets' status changes wake it again.

import { jsonEqual } from '../json-equal.js';
import type { KubeObject } from '../object.js';
import { rfc3339 } from '../time.js';
import { findCondition, setCondition, type Condition } from './conditions.js';
import { templateHash } from './hash.js';
import { isControlledBy, ownerReferenceTo } from './pod.js';
import type { PodTemplate } from './pod-template.js';
import { omitZero } from './replicaset.js';

export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const REVISION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';

type IntOrPercent = number | string;

export interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  template: PodTemplate;
  strategy: 'RollingUpdate' | 'Recreate';
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
  minReadySeconds: number;
  revisionHistoryLimit: number;
  progressDeadlineSeconds: number;
  paused: boolean;
}

export function deploymentSpec(d: KubeObject): DeploymentSpec {
  const s = (d.spec ?? {}) as Record<string, unknown>;
  const strategy = (s.strategy ?? {}) as { type?: string; rollingUpdate?: { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent } };
  const num = (v: unknown, dflt: number): number => (typeof v === 'number' ? v : dflt);
  return {
    replicas: num(s.replicas, 1),
    selector: (s.selector ?? {}) as DeploymentSpec['selector'],
    template: (s.template ?? {}) as PodTemplate,
    strategy: strategy.type === 'Recreate' ? 'Recreate' : 'RollingUpdate',
    maxSurge: strategy.rollingUpdate?.maxSurge ?? '25%',
    maxUnavailable: strategy.rollingUpdate?.maxUnavailable ?? '25%',
    minReadySeconds: num(s.minReadySeconds, 0),
    revisionHistoryLimit: num(s.revisionHistoryLimit, 10),
    progressDeadlineSeconds: num(s.progressDeadlineSeconds, 600),
    paused: s.paused === true,
  };
}

function scaled(v: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Upstream's ResolveFenceposts: surge rounds up, unavailability down, and both zero means one unavailable. */
export function resolveFenceposts(spec: DeploymentSpec): { maxSurge: number; maxUnavailable: number } {
  if (spec.strategy === 'Recreate') return { maxSurge: 0, maxUnavailable: spec.replicas };
  const maxSurge = scaled(spec.maxSurge, spec.replicas, true);
  const maxUnavailable = scaled(spec.maxUnavailable, spec.replicas, false);
  return maxSurge === 0 && maxUnavailable === 0 ? { maxSurge, maxUnavailable: 1 } : { maxSurge, maxUnavailable };
}

function rsReplicas(rs: KubeObject): number {
  const r = (rs.spec as { replicas?: unknown } | undefined)?.replicas;
  return typeof r === 'number' ? r : 0;
}

function rsStatus(rs: KubeObject, field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  const v = (rs.status as Record<string, unknown> | undefined)?.[field];
  return typeof v === 'number' ? v : 0;
}

export function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
}

function withoutHashLabel(template: PodTemplate | undefined): PodTemplate {
  const t = structuredClone(template ?? {});
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  return { ...t, metadata: { ...(t.metadata ?? {}), labels } };
}

/** The ReplicaSet running the deployment's current template, if there is one. */
export function findNewReplicaSet(spec: DeploymentSpec, replicaSets: readonly KubeObject[]): KubeObject | undefined {
  const want = withoutHashLabel(spec.template);
  return [...replicaSets]
    .sort((a, b) => revisionOf(b) - revisionOf(a))
    .find((rs) => jsonEqual(withoutHashLabel((rs.spec as { template?: PodTemplate } | undefined)?.template), want));
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
  collisionCount?: number;
  [field: string]: unknown;
}

export interface DeploymentPlan {
  /** A ReplicaSet to create for a template no ReplicaSet runs yet. */
  create?: KubeObject;
  /** ReplicaSets whose spec.replicas (and replica annotations) change. */
  scale: Array<{ rs: KubeObject; replicas: number }>;
  /** Empty old ReplicaSets beyond revisionHistoryLimit. */
  delete: KubeObject[];
  /** The deployment's deployment.kubernetes.io/revision annotation. */
  revision?: string;
  status: DeploymentStatus;
  /** When the progress deadline would pass, if nothing happens before. */
  requeueAfterMs?: number;
}

function newReplicaSet(d: KubeObject, spec: DeploymentSpec, hash: string, replicas: number, revision: number, maxSurge: number): KubeObject {
  const template = structuredClone(spec.template);
  const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      annotations: {
        [DESIRED_REPLICAS]: String(spec.replicas),
        [MAX_REPLICAS]: String(spec.replicas + maxSurge),
        [REVISION]: String(revision),
      },
      ownerReferences: [ownerReferenceTo(d)],
    },
    spec: {
      replicas,
      minReadySeconds: spec.minReadySeconds,
      selector: { ...spec.selector, matchLabels: { ...(spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash } },
      template: { ...template, metadata: { ...(template.metadata ?? {}), labels } },
    },
  };
}

/** Replica count and annotations a scaled ReplicaSet is written with. */
export function scaledReplicaSet(rs: KubeObject, replicas: number, spec: DeploymentSpec, maxSurge: number): KubeObject {
  return {
    ...rs,
    metadata: {
      ...rs.metadata,
      annotations: { ...(rs.metadata.annotations ?? {}), [DESIRED_REPLICAS]: String(spec.replicas), [MAX_REPLICAS]: String(spec.replicas + maxSurge) },
    },
    spec: { ...((rs.spec as object) ?? {}), replicas },
  };
}

/** `replicaSets` are those the deployment controls (by ownerReference). */
export function deploymentPlan(d: KubeObject, replicaSets: readonly KubeObject[], now: number): DeploymentPlan {
  const spec = deploymentSpec(d);
  const owned = replicaSets.filter((rs) => isControlledBy(rs, d));
  const { maxSurge, maxUnavailable } = resolveFenceposts(spec);
  const collisionCount = ((d.status as DeploymentStatus | undefined)?.collisionCount ?? 0) as number;
  const hash = templateHash(withoutHashLabel(spec.template), collisionCount);
  const newRS = findNewReplicaSet(spec, owned);
  const old = owned.filter((rs) => rs !== newRS).sort((a, b) => revisionOf(a) - revisionOf(b));
  const plan: DeploymentPlan = { scale: [], delete: [], status: {} };
  const total = (list: readonly KubeObject[]): number => list.reduce((n, rs) => n + rsReplicas(rs), 0);

  if (!spec.paused && !d.metadata.deletionTimestamp) {
    if (!newRS) {
      const maxRevision = Math.max(0, ...owned.map(revisionOf));
      if (spec.strategy === 'Recreate') {
        const running = old.filter((rs) => rsReplicas(rs) > 0);
        if (running.length) plan.scale.push(...running.map((rs) => ({ rs, replicas: 0 })));
        else if (old.every((rs) => rsStatus(rs, 'replicas') === 0)) {
          plan.create = newReplicaSet(d, spec, hash, spec.replicas, maxRevision + 1, maxSurge);
        }
      } else {
        const room = Math.max(0, spec.replicas + maxSurge - total(old));
        plan.create = newReplicaSet(d, spec, hash, Math.min(spec.replicas, room), maxRevision + 1, maxSurge);
      }
    } else if (spec.strategy === 'Recreate') {
      const running = old.filter((rs) => rsReplicas(rs) > 0);
      if (running.length) plan.scale.push(...running.map((rs) => ({ rs, replicas: 0 })));
      else if (old.every((rs) => rsStatus(rs, 'replicas') === 0) && rsReplicas(newRS) !== spec.replicas) {
        plan.scale.push({ rs: newRS, replicas: spec.replicas });
      }
    } else {
      rollingStep(spec, newRS, old, maxSurge, maxUnavailable, plan);
    }
  }

  // Status reflects the ReplicaSets as observed, before this pass's writes (as upstream).
  const all = newRS ? [newRS, ...old] : old;
  const sum = (field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number => all.reduce((n, rs) => n + rsStatus(rs, field), 0);
  const previous = (d.status ?? {}) as DeploymentStatus;
  const at = rfc3339(now);
  const counts = {
    replicas: sum('replicas'),
    updatedReplicas: newRS ? rsStatus(newRS, 'replicas') : 0,
    readyReplicas: sum('readyReplicas'),
    availableReplicas: sum('availableReplicas'),
    unavailableReplicas: Math.max(0, total(all) - sum('availableReplicas')),
  };
  let conditions = previous.conditions ?? [];
  conditions = setCondition(
    conditions,
    counts.availableReplicas >= spec.replicas - maxUnavailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
    at,
    { trackUpdates: true },
  );
  const progress = progressing(spec, previous, counts, newRS ?? plan.create, Boolean(plan.create), now);
  if (progress.condition) conditions = progress.condition(conditions, at);
  // Available first, then Progressing, as upstream lists them.
  conditions = [...conditions].sort((a, b) => order(a.type) - order(b.type));

  plan.status = omitZero<DeploymentStatus>({
    ...previous,
    observedGeneration: d.metadata.generation ?? 0,
    ...counts,
    conditions,
  });
  if (progress.requeueAfterMs !== undefined) plan.requeueAfterMs = progress.requeueAfterMs;
  const current = newRS ?? plan.create;
  if (current) plan.revision = String(revisionOf(current));

  if (isComplete(spec, counts) && plan.scale.length === 0 && !plan.create) {
    const empty = old.filter((rs) => rsReplicas(rs) === 0 && rsStatus(rs, 'replicas') === 0 && !rs.metadata.deletionTimestamp);
    plan.delete = empty.slice(0, Math.max(0, empty.length - spec.revisionHistoryLimit));
  }
  return plan;
}

function order(type: string): number {
  return type === 'Available' ? 0 : type === 'Progressing' ? 1 : 2;
}

type Counts = { replicas: number; updatedReplicas: number; readyReplicas: number; availableReplicas: number };

/** Upstream's DeploymentComplete (the observed generation is the current one by construction here). */
function isComplete(spec: DeploymentSpec, c: Counts): boolean {
  return c.updatedReplicas === spec.replicas && c.replicas === spec.replicas && c.availableReplicas === spec.replicas;
}

/** The Progressing condition, as upstream's syncRolloutStatus decides it. */
function progressing(
  spec: DeploymentSpec,
  previous: DeploymentStatus,
  c: Counts,
  rs: KubeObject | undefined,
  created: boolean,
  now: number,
): { condition?: (conds: Condition[], at: string) => Condition[]; requeueAfterMs?: number } {
  const current = findCondition(previous.conditions, 'Progressing');
  const name = rs?.metadata.name ?? '';
  if (spec.paused) {
    return { condition: (cs, at) => setCondition(cs, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, at, { trackUpdates: true }) };
  }
  if (created) {
    return {
      condition: (cs, at) =>
        setCondition(cs, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${name}"` }, at, { trackUpdates: true }),
    };
  }
  if (c.replicas === c.updatedReplicas && current?.reason === 'NewReplicaSetAvailable') return {};
  if (isComplete(spec, c)) {
    return {
      condition: (cs, at) =>
        setCondition(cs, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${name}" has successfully progressed.` }, at, {
          trackUpdates: true,
        }),
    };
  }
  const prevUpdated = previous.updatedReplicas ?? 0;
  const prevOld = (previous.replicas ?? 0) - prevUpdated;
  const madeProgress =
    c.updatedReplicas > prevUpdated ||
    c.replicas - c.updatedReplicas < prevOld ||
    c.readyReplicas > (previous.readyReplicas ?? 0) ||
    c.availableReplicas > (previous.availableReplicas ?? 0);
  if (madeProgress || !current) {
    return {
      condition: (cs, at) => {
        const message = `ReplicaSet "${name}" is progressing.`;
        const kept = current?.status === 'True' ? current.lastTransitionTime : at;
        const next: Condition = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message, lastUpdateTime: at, lastTransitionTime: kept ?? at };
        return [...cs.filter((x) => x.type !== 'Progressing'), next];
      },
      requeueAfterMs: spec.progressDeadlineSeconds * 1000,
    };
  }
  if (current.reason === 'ProgressDeadlineExceeded') return {};
  const since = Date.parse(current.lastUpdateTime ?? current.lastTransitionTime ?? '') || now;
  const deadline = since + spec.progressDeadlineSeconds * 1000;
  if (deadline > now) return { requeueAfterMs: deadline - now };
  return {
    condition: (cs, at) =>
      setCondition(cs, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${name}" has timed out progressing.` }, at, {
        trackUpdates: true,
      }),
  };
}

/** One RollingUpdate step: grow the new ReplicaSet within maxSurge, else shrink old ones within maxUnavailable. */
function rollingStep(spec: DeploymentSpec, newRS: KubeObject, old: KubeObject[], maxSurge: number, maxUnavailable: number, plan: DeploymentPlan): void {
  const all = [newRS, ...old];
  const allPods = all.reduce((n, rs) => n + rsReplicas(rs), 0);
  const current = rsReplicas(newRS);
  if (current > spec.replicas) {
    plan.scale.push({ rs: newRS, replicas: spec.replicas });
    return;
  }
  if (current < spec.replicas) {
    const room = spec.replicas + maxSurge - allPods;
    const next = current + Math.min(Math.max(0, room), spec.replicas - current);
    if (next !== current) {
      plan.scale.push({ rs: newRS, replicas: next });
      return;
    }
  }
  if (old.every((rs) => rsReplicas(rs) === 0)) return;
  const minAvailable = spec.replicas - maxUnavailable;
  const newUnavailable = rsReplicas(newRS) - rsStatus(newRS, 'availableReplicas');
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return;
  const target = new Map(old.map((rs) => [rs, rsReplicas(rs)]));
  // Unhealthy old pods go first: removing them costs no availability.
  let cleaned = 0;
  for (const rs of old) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = target.get(rs)! - rsStatus(rs, 'availableReplicas');
    if (unhealthy <= 0) continue;
    const n = Math.min(maxScaledDown - cleaned, unhealthy);
    target.set(rs, target.get(rs)! - n);
    cleaned += n;
  }
  const availablePods = all.reduce((n, rs) => n + rsStatus(rs, 'availableReplicas'), 0);
  let budget = Math.max(0, availablePods - minAvailable);
  for (const rs of old) {
    if (budget <= 0) break;
    const n = Math.min(target.get(rs)!, budget);
    target.set(rs, target.get(rs)! - n);
    budget -= n;
  }
  for (const rs of old) {
    if (target.get(rs) !== rsReplicas(rs)) plan.scale.push({ rs, replicas: target.get(rs)! });
  }
}
