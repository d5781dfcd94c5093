import type { KubeObject } from '../object.js';
import { countAt, intAt, InterpretError, putCount, recordAt, stringAt, withStatus, type JsonObject } from './fields.js';
import type { AggregatedStatusItem } from './types.js';
import { RESOURCE_TEMPLATE_GENERATION_ANNOTATION } from './well-known-keys.js';

/**
 * Status of the replicated workloads (Deployment, ReplicaSet, StatefulSet, DaemonSet): each
 * member reports its counters together with the generation it runs and the template
 * generation it was written from, so the aggregate can tell whether every member has caught
 * up with the template before claiming observedGeneration.
 */

export interface StatusCounter {
  name: string;
  /** Go's json tag: omitempty fields vanish at zero, the others are always written. */
  omitEmpty: boolean;
}

/** The template generation a member object was written from; 0 when the annotation is absent. */
export function resourceTemplateGeneration(obj: KubeObject): number {
  const raw = stringAt(obj, 'metadata', 'annotations', RESOURCE_TEMPLATE_GENERATION_ANNOTATION);
  if (raw === undefined) return 0;
  if (!/^[+-]?\d+$/.test(raw)) throw new InterpretError(`annotation ${RESOURCE_TEMPLATE_GENERATION_ANNOTATION} is not an integer: ${raw}`);
  return Number(raw);
}

export function reflectWorkloadStatus(memberObj: KubeObject, counters: readonly StatusCounter[]): JsonObject | undefined {
  const status = recordAt(memberObj, 'status');
  if (status === undefined) return undefined;
  const out: JsonObject = {};
  putCount(out, 'generation', intAt(memberObj, 'metadata', 'generation') ?? 0, true);
  putCount(out, 'resourceTemplateGeneration', resourceTemplateGeneration(memberObj), true);
  for (const c of counters) putCount(out, c.name, countAt(status, c.name), c.omitEmpty);
  putCount(out, 'observedGeneration', countAt(status, 'observedGeneration'), true);
  // Nothing collected yet is not a status.
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A member is caught up when its controller observed its own generation and that generation
 * was written from the template's current generation (or a later one).
 */
export function memberCaughtUp(status: JsonObject, templateGeneration: number): boolean {
  return (
    countAt(status, 'observedGeneration') >= countAt(status, 'generation') &&
    countAt(status, 'resourceTemplateGeneration') >= templateGeneration
  );
}

/**
 * Sums the counters into the template's status. observedGeneration becomes the template's
 * generation only when every member (including those with no status yet) has caught up;
 * otherwise the previous value stays, so GitOps tools keep waiting.
 */
export function aggregateWorkloadStatus(
  template: KubeObject,
  items: readonly AggregatedStatusItem[],
  counters: readonly StatusCounter[],
): KubeObject {
  const templateGeneration = intAt(template, 'metadata', 'generation') ?? 0;
  const previous = recordAt(template, 'status') ?? {};
  const sums = new Map(counters.map((c) => [c.name, 0]));
  let caughtUp = 0;
  for (const item of items) {
    if (!item.status) continue;
    for (const c of counters) sums.set(c.name, sums.get(c.name)! + countAt(item.status, c.name));
    if (memberCaughtUp(item.status, templateGeneration)) caughtUp++;
  }
  const next: JsonObject = { ...previous };
  for (const c of counters) putCount(next, c.name, sums.get(c.name)!, c.omitEmpty);
  const observedGeneration = caughtUp === items.length ? templateGeneration : countAt(previous, 'observedGeneration');
  putCount(next, 'observedGeneration', observedGeneration, true);
  return withStatus(template, next);
}
