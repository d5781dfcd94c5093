import type { KubeObject } from '../object.js';
import { arrayAt, clone, instant, recordAt, stringAt, withStatus, type JsonObject } from './fields.js';
import { podTemplateDependencies } from './pod-dependencies.js';
import type { AggregatedStatusItem, KindInterpreter } from './types.js';

function latest(current: string | undefined, candidate: string | undefined): string | undefined {
  if (candidate === undefined) return current;
  if (current === undefined) return candidate;
  return (instant(candidate) ?? -Infinity) > (instant(current) ?? -Infinity) ? candidate : current;
}

/** Every member's running Jobs together, and the latest schedule and success any member saw. */
export function aggregateCronJobStatus(template: KubeObject, items: readonly AggregatedStatusItem[]): KubeObject {
  const active: unknown[] = [];
  let lastScheduleTime: string | undefined;
  let lastSuccessfulTime: string | undefined;
  for (const item of items) {
    if (!item.status) continue;
    active.push(...clone(arrayAt(item.status, 'active') ?? []));
    lastScheduleTime = latest(lastScheduleTime, stringAt(item.status, 'lastScheduleTime'));
    lastSuccessfulTime = latest(lastSuccessfulTime, stringAt(item.status, 'lastSuccessfulTime'));
  }
  const next: JsonObject = { ...(recordAt(template, 'status') ?? {}) };
  delete next.active;
  delete next.lastScheduleTime;
  delete next.lastSuccessfulTime;
  if (active.length > 0) next.active = active;
  if (lastScheduleTime) next.lastScheduleTime = lastScheduleTime;
  if (lastSuccessfulTime) next.lastSuccessfulTime = lastSuccessfulTime;
  return withStatus(template, next);
}

/** A CronJob is not divided: each member runs the whole schedule. */
export const cronJobInterpreter: KindInterpreter = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  aggregateStatus: aggregateCronJobStatus,
  getDependencies: (obj) => podTemplateDependencies(obj, 'spec', 'jobTemplate', 'spec', 'template'),
};
