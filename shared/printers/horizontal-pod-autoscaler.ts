import type { KubeObject } from '../object.js';
import { hpaFromV1 } from '../conversion/horizontal-pod-autoscaler.js';
import { int, isSet, obj, objs, str, type JsonObject } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { formatQuantity } from './quantity.js';
import { ageCell } from './timestamp.js';

const MAX_SHOWN = 2;
const DEFAULT_METRICS = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];

/** A *resource.Quantity's String(): "<nil>" when the pointer is nil. */
function quantityPtr(v: unknown): string {
  return isSet(v) ? formatQuantity(v) : '<nil>';
}

function percent(v: unknown): string {
  return `${int(v)}%`;
}

/** One metric as "current/target", or "name: current/target" for (container) resources. */
function formatMetric(spec: JsonObject, status: JsonObject | undefined): string {
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const field = spec.type === 'External' ? 'external' : 'object';
      const target = obj(obj(spec[field]).target);
      const cur = status && isSet(status[field]) ? obj(obj(status[field]).current) : undefined;
      if (isSet(target.averageValue)) {
        const current = cur && isSet(cur.averageValue) ? formatQuantity(cur.averageValue) : '<unknown>';
        return `${current}/${formatQuantity(target.averageValue)} (avg)`;
      }
      const current = cur ? quantityPtr(cur.value) : '<unknown>';
      return `${current}/${quantityPtr(target.value)}`;
    }
    case 'Pods': {
      const target = obj(obj(spec.pods).target);
      const current = status && isSet(status.pods) ? quantityPtr(obj(obj(status.pods).current).averageValue) : '<unknown>';
      return `${current}/${quantityPtr(target.averageValue)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const field = spec.type === 'Resource' ? 'resource' : 'containerResource';
      const source = obj(spec[field]);
      const target = obj(source.target);
      const cur = status && isSet(status[field]) ? obj(obj(status[field]).current) : undefined;
      const name = str(source.name);
      if (isSet(target.averageValue)) {
        const current = cur ? quantityPtr(cur.averageValue) : '<unknown>';
        return `${name}: ${current}/${formatQuantity(target.averageValue)}`;
      }
      const current = cur && isSet(cur.averageUtilization) ? percent(cur.averageUtilization) : '<unknown>';
      const goal = isSet(target.averageUtilization) ? percent(target.averageUtilization) : '<auto>';
      return `${name}: ${current}/${goal}`;
    }
    default:
      return '<unknown type>';
  }
}

/** TARGETS: the first two metrics paired with the status at the same index, then "+ N more...". */
export function formatHPAMetrics(specs: unknown, statuses: unknown): string {
  const ms = objs(specs);
  if (ms.length === 0) return '<none>';
  const current = objs(statuses);
  const all = ms.map((m, i) => formatMetric(m, current[i]));
  const joined = all.slice(0, MAX_SHOWN).join(', ');
  return all.length > MAX_SHOWN ? `${joined} + ${all.length - MAX_SHOWN} more...` : joined;
}

/** The printer reads autoscaling/v2, the internal shape; v1 objects are converted first. */
function asV2(hpa: KubeObject): KubeObject {
  return hpa.apiVersion === 'autoscaling/v1' ? hpaFromV1(hpa) : hpa;
}

export const horizontalPodAutoscalerPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Reference', 'string', 'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.'),
    column('Targets', 'string', 'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).'),
    column('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down. It defaults to 1 pod.'),
    column('MaxPods', 'string', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.'),
    column('Replicas', 'string', 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.'),
    AGE_COLUMN,
  ],
  cells(input, now) {
    const hpa = asV2(input);
    const spec = obj(hpa.spec);
    const status = obj(hpa.status);
    const ref = obj(spec.scaleTargetRef);
    // Defaulting gives an autoscaler without metrics an 80% CPU target and minReplicas 1.
    const metrics = objs(spec.metrics).length ? spec.metrics : DEFAULT_METRICS;
    return [
      hpa.metadata.name ?? '',
      `${str(ref.kind)}/${str(ref.name)}`,
      formatHPAMetrics(metrics, status.currentMetrics),
      isSet(spec.minReplicas) ? String(int(spec.minReplicas)) : '1',
      int(spec.maxReplicas),
      int(status.currentReplicas),
      ageCell(hpa, now),
    ];
  },
};
