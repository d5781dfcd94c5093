import type { KubeObject } from '../object.js';

type Obj = Record<string, unknown>;

/** Where autoscaling/v1 keeps what it cannot express, so a v1 round trip loses nothing (as upstream). */
const ANN_METRICS = 'autoscaling.alpha.kubernetes.io/metrics';
const ANN_CURRENT = 'autoscaling.alpha.kubernetes.io/current-metrics';
const ANN_CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';
const ANN_BEHAVIOR = 'autoscaling.alpha.kubernetes.io/behavior';

function isCpuUtilization(m: Obj): boolean {
  const r = m.resource as Obj | undefined;
  return m.type === 'Resource' && r?.name === 'cpu' && (r.target as Obj | undefined)?.type === 'Utilization';
}

/** autoscaling/v2 → v1. */
export function hpaToV1(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  const spec = { ...((obj.spec as Obj) ?? {}) };
  const status = obj.status ? { ...(obj.status as Obj) } : undefined;
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}) };
  const metrics = (spec.metrics as Obj[] | undefined) ?? [];
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => m !== cpu);
  delete spec.metrics;
  if (cpu) spec.targetCPUUtilizationPercentage = ((cpu.resource as Obj).target as Obj).averageUtilization;
  if (others.length) annotations[ANN_METRICS] = JSON.stringify(others);
  if (spec.behavior) annotations[ANN_BEHAVIOR] = JSON.stringify(spec.behavior);
  delete spec.behavior;
  out.spec = spec;
  if (status) {
    const current = (status.currentMetrics as Obj[] | undefined) ?? [];
    const cpuNow = current.find((m) => m.type === 'Resource' && (m.resource as Obj | undefined)?.name === 'cpu');
    const avg = ((cpuNow?.resource as Obj | undefined)?.current as Obj | undefined)?.averageUtilization;
    if (avg !== undefined) status.currentCPUUtilizationPercentage = avg;
    if (current.length) annotations[ANN_CURRENT] = JSON.stringify(current);
    if (status.conditions) annotations[ANN_CONDITIONS] = JSON.stringify(status.conditions);
    delete status.currentMetrics;
    delete status.conditions;
    out.status = status;
  }
  out.metadata = { ...out.metadata, annotations };
  if (!Object.keys(annotations).length) delete out.metadata.annotations;
  out.apiVersion = 'autoscaling/v1';
  return out;
}

function parseAnnotation(annotations: Record<string, string>, key: string): unknown {
  const raw = annotations[key];
  delete annotations[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** autoscaling/v1 → v2 (the storage version). */
export function hpaFromV1(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  const spec = { ...((obj.spec as Obj) ?? {}) };
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}) };
  const metrics: Obj[] = [];
  if (typeof spec.targetCPUUtilizationPercentage === 'number') {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  delete spec.targetCPUUtilizationPercentage;
  const extra = parseAnnotation(annotations, ANN_METRICS);
  if (Array.isArray(extra)) metrics.push(...(extra as Obj[]));
  if (metrics.length) spec.metrics = metrics;
  const behavior = parseAnnotation(annotations, ANN_BEHAVIOR);
  if (behavior) spec.behavior = behavior;
  out.spec = spec;
  const current = parseAnnotation(annotations, ANN_CURRENT);
  const conditions = parseAnnotation(annotations, ANN_CONDITIONS);
  if (obj.status) {
    const status = { ...(obj.status as Obj) };
    const cpuNow = status.currentCPUUtilizationPercentage;
    delete status.currentCPUUtilizationPercentage;
    if (Array.isArray(current)) status.currentMetrics = current;
    else if (typeof cpuNow === 'number') {
      status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cpuNow } } }];
    }
    if (Array.isArray(conditions)) status.conditions = conditions;
    out.status = status;
  }
  out.metadata = { ...out.metadata, annotations };
  if (!Object.keys(annotations).length) delete out.metadata.annotations;
  out.apiVersion = 'autoscaling/v2';
  return out;
}
