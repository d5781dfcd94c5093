// The simulated Job controller: runs up to `parallelism` pods until `completions` of them have
// succeeded (the simulated kubelet ends each after the configured job duration), then marks
// the Job Complete; honours suspend, activeDeadlineSeconds and ttlSecondsAfterFinished.

import type { KubeObject } from '../object.js';
import { rfc3339 } from '../time.js';
import { findCondition, setCondition, type Condition } from './conditions.js';
import { isActive, isDeleting, isReady, ownerReferenceTo, podStatus } from './pod.js';
import { podFromTemplate, type PodTemplate } from './pod-template.js';

export interface JobSpec {
  parallelism: number;
  /** null: a work queue, done when any pod succeeded and none is left running. */
  completions: number | null;
  suspend: boolean;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  template: PodTemplate;
}

export function jobSpec(job: KubeObject): JobSpec {
  const s = (job.spec ?? {}) as Record<string, unknown>;
  const parallelism = typeof s.parallelism === 'number' ? s.parallelism : 1;
  // Upstream defaults completions to 1 only when neither field was given.
  const completions = typeof s.completions === 'number' ? s.completions : s.parallelism === undefined ? 1 : null;
  return {
    parallelism,
    completions,
    suspend: s.suspend === true,
    ...(typeof s.activeDeadlineSeconds === 'number' ? { activeDeadlineSeconds: s.activeDeadlineSeconds } : {}),
    ...(typeof s.ttlSecondsAfterFinished === 'number' ? { ttlSecondsAfterFinished: s.ttlSecondsAfterFinished } : {}),
    template: (s.template ?? {}) as PodTemplate,
  };
}

export interface JobStatus {
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  uncountedTerminatedPods?: Record<string, unknown>;
  conditions?: Condition[];
  [field: string]: unknown;
}

export interface JobPlan {
  create: number;
  delete: KubeObject[];
  status: JobStatus;
  /** ttlSecondsAfterFinished has passed: the Job itself goes. */
  deleteJob: boolean;
  requeueAfterMs?: number;
}

export function isFinished(status: JobStatus | undefined): boolean {
  return (status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function jobPod(job: KubeObject, name: string): KubeObject {
  const spec = jobSpec(job);
  const uid = job.metadata.uid ?? '';
  const jobName = job.metadata.name ?? '';
  return podFromTemplate(spec.template, {
    namespace: job.metadata.namespace ?? '',
    name,
    owner: ownerReferenceTo(job),
    labels: {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': jobName,
      'controller-uid': uid,
      'job-name': jobName,
    },
    spec: { restartPolicy: (spec.template.spec?.restartPolicy as string | undefined) ?? 'Never' },
  });
}

/** `pods` are those the Job controls. */
export function jobPlan(job: KubeObject, pods: readonly KubeObject[], now: number): JobPlan {
  const spec = jobSpec(job);
  const previous = (job.status ?? {}) as JobStatus;
  const at = rfc3339(now);
  const active = pods.filter(isActive);
  const succeededPods = pods.filter((p) => podStatus(p).phase === 'Succeeded').length;
  const failed = pods.filter((p) => podStatus(p).phase === 'Failed').length;
  // Finished pods may be deleted by hand; what was counted stays counted.
  const succeeded = Math.max(succeededPods, previous.succeeded ?? 0);
  const plan: JobPlan = { create: 0, delete: [], status: {}, deleteJob: false };
  let conditions = previous.conditions ?? [];
  const status: JobStatus = { ...previous };
  let requeue: number | undefined;

  if (isFinished(previous)) {
    plan.delete = active;
  } else if (job.metadata.deletionTimestamp) {
    // Going away: leave the pods to the garbage collector.
  } else if (spec.suspend) {
    plan.delete = active;
    conditions = setCondition(conditions, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }, at);
  } else {
    if (findCondition(conditions, 'Suspended')?.status === 'True') {
      conditions = setCondition(conditions, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }, at);
    }
    status.startTime ??= at;
    const started = Date.parse(status.startTime) || now;
    const deadline = spec.activeDeadlineSeconds !== undefined ? started + spec.activeDeadlineSeconds * 1000 : undefined;
    const complete = spec.completions !== null ? succeeded >= spec.completions : succeeded > 0 && active.length === 0;
    if (complete) {
      const done = { status: 'True' as const, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
      conditions = setCondition(conditions, { type: 'SuccessCriteriaMet', ...done }, at);
      conditions = setCondition(conditions, { type: 'Complete', ...done }, at);
      status.completionTime = at;
      plan.delete = active;
    } else if (deadline !== undefined && deadline <= now) {
      const why = { status: 'True' as const, reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      conditions = setCondition(conditions, { type: 'FailureTarget', ...why }, at);
      conditions = setCondition(conditions, { type: 'Failed', ...why }, at);
      plan.delete = active;
    } else {
      const want = spec.completions !== null ? Math.min(spec.parallelism, spec.completions - succeeded) : succeeded > 0 ? 0 : spec.parallelism;
      if (active.length < want) plan.create = want - active.length;
      else if (active.length > want) {
        plan.delete = [...active].sort((a, b) => Number(isReady(a)) - Number(isReady(b))).slice(0, active.length - want);
      }
      if (deadline !== undefined) requeue = deadline - now;
    }
  }

  const remaining = active.filter((p) => !plan.delete.includes(p));
  status.active = isFinished({ conditions }) ? 0 : remaining.length;
  status.ready = isFinished({ conditions }) ? 0 : remaining.filter(isReady).length;
  status.succeeded = succeeded;
  status.failed = failed;
  status.terminating = pods.filter(isDeleting).length;
  status.uncountedTerminatedPods = previous.uncountedTerminatedPods ?? {};
  if (conditions.length) status.conditions = conditions;
  for (const k of ['active', 'succeeded', 'failed'] as const) if (status[k] === 0) delete status[k];
  plan.status = status;

  const finishedAt = finishTime(status);
  if (finishedAt !== undefined && spec.ttlSecondsAfterFinished !== undefined) {
    const due = finishedAt + spec.ttlSecondsAfterFinished * 1000;
    if (due <= now) plan.deleteJob = true;
    else requeue = Math.min(requeue ?? Infinity, due - now);
  }
  if (requeue !== undefined) plan.requeueAfterMs = requeue;
  return plan;
}

function finishTime(status: JobStatus): number | undefined {
  const c = (status.conditions ?? []).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  const t = Date.parse(status.completionTime ?? c?.lastTransitionTime ?? '');
  return c && !Number.isNaN(t) ? t : undefined;
}
