import type { KubeObject } from '../object.js';
import { cronJobInterpreter } from './cronjob.js';
import { daemonSetInterpreter } from './daemonset.js';
import { deploymentInterpreter } from './deployment.js';
import { clone, InterpretError, isRecord } from './fields.js';
import { horizontalPodAutoscalerInterpreter } from './horizontal-pod-autoscaler.js';
import { ingressInterpreter } from './ingress.js';
import { jobInterpreter } from './job.js';
import { persistentVolumeInterpreter } from './persistentvolume.js';
import { persistentVolumeClaimInterpreter } from './persistentvolumeclaim.js';
import { podDisruptionBudgetInterpreter } from './pod-disruption-budget.js';
import { podInterpreter } from './pod.js';
import { replicaSetInterpreter } from './replicaset.js';
import { retainClusterFields } from './retain-cluster-fields.js';
import { secretInterpreter } from './secret.js';
import { serviceAccountInterpreter } from './service-account.js';
import { serviceInterpreter } from './service.js';
import { statefulSetInterpreter } from './statefulset.js';
import type {
  AggregatedStatusItem,
  AggregateStatusOptions,
  DependentObjectReference,
  GetReplicasOptions,
  Health,
  KindInterpreter,
  ReplicaResult,
} from './types.js';

/**
 * Karmada's default (native) resource interpreter: per kind, how many replicas a template
 * has and what each needs, how to cut it to one cluster's share, what of a member's status
 * to report, whether it is healthy, how the members' statuses add up on the template, what
 * to keep of the member's object on update, and what it depends on. Kinds are matched on
 * apiVersion and kind exactly, as Karmada matches GroupVersionKinds; other kinds get the
 * defaults documented on each function. Malformed objects (a field of the wrong type) get
 * the same fallback Karmada's controllers end up with when the interpreter errors.
 */

export type {
  AggregatedStatusItem,
  AggregateStatusOptions,
  DependentObjectReference,
  GetReplicasOptions,
  Health,
  KindInterpreter,
  ReplicaRequirements,
  ReplicaResult,
} from './types.js';
export { InterpretError } from './fields.js';
export { reviseJobCompletions } from './job.js';
export {
  RESOURCE_TEMPLATE_GENERATION_ANNOTATION,
  RETAIN_REPLICAS_LABEL,
  RETAIN_REPLICAS_VALUE,
} from './well-known-keys.js';

export const nativeInterpreters: readonly KindInterpreter[] = [
  deploymentInterpreter,
  replicaSetInterpreter,
  statefulSetInterpreter,
  daemonSetInterpreter,
  jobInterpreter,
  cronJobInterpreter,
  podInterpreter,
  serviceInterpreter,
  ingressInterpreter,
  persistentVolumeInterpreter,
  persistentVolumeClaimInterpreter,
  podDisruptionBudgetInterpreter,
  horizontalPodAutoscalerInterpreter,
  serviceAccountInterpreter,
  secretInterpreter,
];

const byKind = new Map(nativeInterpreters.map((i) => [`${i.apiVersion}/${i.kind}`, i]));

/** The native hooks for this object's apiVersion and kind, if Karmada has any. */
export function interpreterFor(obj: { apiVersion?: string; kind?: string }): KindInterpreter | undefined {
  return byKind.get(`${obj.apiVersion ?? ''}/${obj.kind ?? ''}`);
}

function orElse<T>(run: () => T, fallback: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof InterpretError) return fallback();
    throw err;
  }
}

/**
 * replica.go: the workload's replicas and what one replica needs (Deployment, ReplicaSet,
 * StatefulSet, Job as min(parallelism, completions), Pod as 1); {replicas: 0} for other kinds.
 */
export function getReplicas(obj: KubeObject, options?: GetReplicasOptions): ReplicaResult {
  const hook = interpreterFor(obj)?.getReplicas;
  if (!hook) return { replicas: 0 };
  return orElse(
    () => hook(obj, options),
    () => ({ replicas: 0 }),
  );
}

/**
 * revisereplica.go: the manifest with this cluster's share of replicas (spec.replicas of
 * Deployment, ReplicaSet, StatefulSet; spec.parallelism of a Job, whose completions the
 * caller divides with reviseJobCompletions). A count the template does not set stays unset;
 * other kinds come back unchanged.
 */
export function reviseReplica(obj: KubeObject, replicas: number): KubeObject {
  const hook = interpreterFor(obj)?.reviseReplica;
  if (!hook) return obj;
  return orElse(
    () => hook(obj, replicas),
    () => obj,
  );
}

/**
 * reflectstatus.go: what of a member object's status goes into
 * Work.status.manifestStatuses[].status; undefined reflects nothing. Workloads report their
 * counters with `generation` and `resourceTemplateGeneration`; a Service only when it is a
 * LoadBalancer; other kinds their whole .status.
 */
export function reflectStatus(memberObj: KubeObject): Record<string, unknown> | undefined {
  const hook = interpreterFor(memberObj)?.reflectStatus;
  return orElse(
    () => (hook ? hook(memberObj) : isRecord(memberObj.status) ? clone(memberObj.status) : undefined),
    () => undefined,
  );
}

/** healthy.go: Healthy or Unhealthy for kinds with a rule, Healthy for the rest, Unknown when the object cannot be read. */
export function interpretHealth(memberObj: KubeObject): Health {
  const hook = interpreterFor(memberObj)?.interpretHealth;
  if (!hook) return 'Healthy';
  return orElse(
    () => hook(memberObj),
    () => 'Unknown',
  );
}

/**
 * aggregatestatus.go: the template with the .status its members' reflected statuses add up
 * to. Returns the very same object when nothing changed (and for kinds without
 * aggregation), so a caller writes only when the result differs by identity.
 */
export function aggregateStatus(template: KubeObject, items: readonly AggregatedStatusItem[], options?: AggregateStatusOptions): KubeObject {
  const hook = interpreterFor(template)?.aggregateStatus;
  if (!hook) return template;
  return orElse(
    () => hook(template, items, options),
    () => template,
  );
}

/**
 * retain.go after objectwatcher's retainClusterFields: the object to write to the member,
 * given what the member holds now. Keeps the member's resourceVersion, finalizers, owner
 * references and the labels and annotations the member added, then what each kind's member
 * controllers own.
 */
export function retain(desired: KubeObject, observed: KubeObject): KubeObject {
  const kept = retainClusterFields(desired, observed);
  const hook = interpreterFor(desired)?.retain;
  if (!hook) return kept;
  return orElse(
    () => hook(kept, observed),
    () => kept,
  );
}

/**
 * dependencies.go: the objects that must follow the workload to every cluster it runs in:
 * the ConfigMaps, Secrets, ServiceAccounts and PersistentVolumeClaims its pod template names
 * (not a StatefulSet's per-pod claims), and an Ingress's TLS Secrets.
 */
export function getDependencies(obj: KubeObject): DependentObjectReference[] {
  const hook = interpreterFor(obj)?.getDependencies;
  if (!hook) return [];
  return orElse(
    () => hook(obj),
    () => [],
  );
}
