import type { KubeObject } from '../object.js';
import { rfc3339 } from '../time.js';
import { arrayAt, clone, countAt, instant, intAt, isRecord, putCount, recordAt, setAt, stringAt, stringMapAt, withStatus, type JsonObject } from './fields.js';
import { podTemplateDependencies } from './pod-dependencies.js';
import { replicaRequirementsOf } from './replica-requirements.js';
import type { AggregateStatusOptions, AggregatedStatusItem, GetReplicasOptions, KindInterpreter, ReplicaResult } from './types.js';
import { reviseSpecCount } from './workload-replicas.js';

/**
 * A Job's pods run in parallel up to spec.parallelism, but a fixed-completion Job never runs
 * more pods at once than it has completions left, so the smaller of the two is what gets
 * divided among clusters.
 */
export function getJobReplicas(obj: KubeObject, options?: GetReplicasOptions): ReplicaResult {
  let replicas = intAt(obj, 'spec', 'parallelism') ?? 0;
  const completions = intAt(obj, 'spec', 'completions') ?? replicas;
  if (completions < replicas) replicas = completions;
  const requirements = replicaRequirementsOf(recordAt(obj, 'spec', 'template', 'spec'), obj.metadata.namespace, options);
  return requirements ? { replicas, requirements } : { replicas };
}

/** This cluster's share of the completions; the binding controller divides them separately from parallelism. */
export function reviseJobCompletions(obj: KubeObject, completions: number): KubeObject {
  return reviseSpecCount(obj, 'completions', completions);
}

function conditions(status: unknown): JsonObject[] {
  return (arrayAt(status, 'conditions') ?? []).filter(isRecord);
}

function hasTrueCondition(status: unknown, type: string): boolean {
  return conditions(status).some((c) => c.type === type && c.status === 'True');
}

/** Complete or Failed when the Job has finished either way; undefined while it runs. */
export function jobFinishedCondition(status: unknown): 'Complete' | 'Failed' | undefined {
  for (const c of conditions(status)) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete' || c.type === 'Failed') return c.type;
  }
  return undefined;
}

export function reflectJobStatus(obj: KubeObject): JsonObject | undefined {
  const status = recordAt(obj, 'status');
  if (status === undefined) return undefined;
  const out: JsonObject = {};
  for (const field of ['active', 'succeeded', 'failed']) putCount(out, field, countAt(status, field), true);
  const conds = arrayAt(status, 'conditions');
  if (conds && conds.length > 0) out.conditions = clone(conds);
  for (const field of ['startTime', 'completionTime']) {
    const t = stringAt(status, field);
    if (t) out[field] = t;
  }
  return out;
}

/**
 * The template's status from the members' (helper.ParsingJobStatus): counters summed;
 * Failed as soon as one member failed, naming the clusters (with FailureTarget first where
 * a member reported it, as Kubernetes ≥ 1.31 requires); Complete only when every member
 * completed, with SuccessCriteriaMet when every member met it; startTime the earliest once
 * every member started, completionTime the latest once every member finished. A template
 * that has finished is final.
 */
export function aggregateJobStatus(template: KubeObject, items: readonly AggregatedStatusItem[], options: AggregateStatusOptions = {}): KubeObject {
  const previous = recordAt(template, 'status') ?? {};
  if (jobFinishedCondition(previous)) return template;
  const counters = { active: 0, succeeded: 0, failed: 0 };
  const failedClusters: string[] = [];
  let completed = 0;
  let criteriaMet = 0;
  let failureTarget = 0;
  let started = 0;
  let finished = 0;
  let earliestStart: string | undefined;
  let latestCompletion: string | undefined;
  for (const item of items) {
    if (!item.status) continue;
    const status = item.status;
    for (const k of ['active', 'succeeded', 'failed'] as const) counters[k] += countAt(status, k);
    const outcome = jobFinishedCondition(status);
    if (outcome === 'Complete') completed++;
    else if (outcome === 'Failed') failedClusters.push(item.clusterName);
    if (hasTrueCondition(status, 'SuccessCriteriaMet')) criteriaMet++;
    if (hasTrueCondition(status, 'FailureTarget')) failureTarget++;
    const start = stringAt(status, 'startTime');
    if (start) {
      started++;
      if (earliestStart === undefined || (instant(start) ?? Infinity) < (instant(earliestStart) ?? Infinity)) earliestStart = start;
    }
    const completion = stringAt(status, 'completionTime');
    if (completion) {
      finished++;
      if (latestCompletion === undefined || (instant(completion) ?? -Infinity) > (instant(latestCompletion) ?? -Infinity)) latestCompletion = completion;
    }
  }

  const now = rfc3339((options.now ?? new Date()).getTime());
  const condition = (type: string, reason: string, message: string): JsonObject => ({
    type,
    status: 'True',
    lastProbeTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const newConditions: JsonObject[] = [];
  if (failedClusters.length > 0) {
    const message = `Job executed failed in member clusters ${failedClusters.join(',')}`;
    if (failureTarget > 0) newConditions.push(condition('FailureTarget', 'JobFailed', message));
    newConditions.push(condition('Failed', 'JobFailed', message));
  }
  // No items yet (a binding just created) is not completion.
  if (completed > 0 && completed === items.length) {
    newConditions.push(condition('Complete', 'Completed', 'Job completed'));
    if (criteriaMet === items.length) newConditions.push(condition('SuccessCriteriaMet', 'CompletionsReached', 'All member clusters have met success criteria'));
  }

  const next: JsonObject = {};
  for (const k of ['active', 'succeeded', 'failed'] as const) putCount(next, k, counters[k], true);
  if (newConditions.length > 0) next.conditions = newConditions;
  const previousStart = stringAt(previous, 'startTime');
  if (previousStart) next.startTime = previousStart;
  else if (started > 0 && started === items.length) next.startTime = earliestStart;
  if (latestCompletion !== undefined && finished === items.length) next.completionTime = latestCompletion;
  return withStatus(template, next);
}

/**
 * The member's Job controller generates spec.selector and the pod template's labels
 * (controller-uid) and refuses to have them changed.
 */
export function retainJobSelector(desired: KubeObject, observed: KubeObject): KubeObject {
  const matchLabels = stringMapAt(observed, 'spec', 'selector', 'matchLabels');
  const templateLabels = stringMapAt(observed, 'spec', 'template', 'metadata', 'labels');
  if (!matchLabels && !templateLabels) return desired;
  const out = clone(desired);
  if (matchLabels) setAt(out, ['spec', 'selector', 'matchLabels'], { ...matchLabels });
  if (templateLabels) setAt(out, ['spec', 'template', 'metadata', 'labels'], { ...templateLabels });
  return out;
}

export const jobInterpreter: KindInterpreter = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  getReplicas: getJobReplicas,
  reviseReplica: (obj, replicas) => reviseSpecCount(obj, 'parallelism', replicas),
  reflectStatus: reflectJobStatus,
  aggregateStatus: aggregateJobStatus,
  retain: retainJobSelector,
  getDependencies: (obj) => podTemplateDependencies(obj, 'spec', 'template'),
};
