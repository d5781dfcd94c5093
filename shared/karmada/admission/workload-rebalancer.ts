import type { AdmissionPlugin } from '../../admission/plugin.js';
import { jsonEqual } from '../../json-equal.js';
import { forbidden } from '../field-errors.js';
import { APPS_GROUP } from '../workload-rebalancer.js';

/** Karmada's WorkloadRebalancer webhook: the request is fixed once made; a new one is a new object. */
export function workloadRebalancerPlugins(): AdmissionPlugin[] {
  return [
    {
      name: 'WorkloadRebalancer',
      resources: [`workloadrebalancers.${APPS_GROUP}`],
      validate({ operation, object, oldObject }) {
        if (operation !== 'UPDATE' || !oldObject || jsonEqual(object.spec, oldObject.spec)) return [];
        return [forbidden('spec', 'cannot be changed after creation; create another WorkloadRebalancer instead')];
      },
    },
  ];
}
