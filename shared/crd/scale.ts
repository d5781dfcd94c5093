import type { KubeObject } from '../object.js';
import type { ResourceType } from '../registry/resource-type.js';
import { applyScale, scaleObject, scaleOf } from '../scale.js';
import type { ScalePaths } from './types.js';

function segments(jsonPath: string): string[] {
  return jsonPath.replace(/^\./, '').split('.').filter(Boolean);
}

export function readPath(obj: unknown, jsonPath: string): unknown {
  let cur: unknown = obj;
  for (const s of segments(jsonPath)) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

/** Sets a value at a simple JSON path, creating the objects on the way (a copy; the input is untouched). */
export function writePath<T extends object>(obj: T, jsonPath: string, value: unknown): T {
  const out = structuredClone(obj) as Record<string, unknown>;
  const parts = segments(jsonPath);
  let cur = out;
  for (const s of parts.slice(0, -1)) {
    const next = cur[s];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[s] = {};
    cur = cur[s] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
  return out as T;
}

/**
 * The autoscaling/v1 Scale of a custom resource, read through the CRD's scale paths: a
 * missing replicas count reads as 0, a missing selector as "" (upstream's behaviour).
 */
export function customScaleOf(paths: ScalePaths, obj: KubeObject): KubeObject {
  const spec = readPath(obj, paths.specReplicasPath);
  const status = readPath(obj, paths.statusReplicasPath);
  const selector = paths.labelSelectorPath ? readPath(obj, paths.labelSelectorPath) : undefined;
  return scaleObject(obj, spec, status, typeof selector === 'string' && selector ? selector : undefined);
}

export function applyCustomScale(paths: ScalePaths, obj: KubeObject, scale: KubeObject): KubeObject {
  const replicas = (scale.spec as Record<string, unknown> | undefined)?.replicas;
  return writePath(obj, paths.specReplicasPath, typeof replicas === 'number' ? replicas : 0);
}

export interface ScaleAdapter {
  scaleOf(obj: KubeObject): KubeObject;
  applyScale(obj: KubeObject, scale: KubeObject): KubeObject;
}

/** How the scale subresource reads and writes replicas for a kind: built-in workloads, or a CRD's paths. */
export function scaleAdapterFor(type: ResourceType, version: string): ScaleAdapter {
  const paths = type.customResource?.versions[version]?.scale;
  if (!paths) return { scaleOf, applyScale };
  return { scaleOf: (obj) => customScaleOf(paths, obj), applyScale: (obj, scale) => applyCustomScale(paths, obj, scale) };
}
