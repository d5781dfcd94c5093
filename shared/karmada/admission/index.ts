import type { AdmissionPlugin } from '../../admission/plugin.js';
import { clusterPlugins } from './cluster.js';
import { clusterTaintPolicyPlugins } from './cluster-taint-policy.js';
import { defaultKarmadaAdmissionOptions, type KarmadaAdmissionOptions } from './options.js';
import { overridePolicyPlugins } from './override-policy.js';
import { propagationPolicyPlugins } from './propagation-policy.js';
import { resourceBindingPlugins } from './resource-binding.js';
import { schemaPlugin } from './schema.js';
import { workPlugins } from './work.js';
import { workloadRebalancerPlugins } from './workload-rebalancer.js';

/** Karmada's admission for its kinds: the schema first (as a CRD's), then each kind's webhooks. */
export function karmadaAdmissionPlugins(options: KarmadaAdmissionOptions = defaultKarmadaAdmissionOptions): AdmissionPlugin[] {
  return [
    schemaPlugin,
    ...clusterPlugins(),
    ...propagationPolicyPlugins(options),
    ...overridePolicyPlugins(),
    ...clusterTaintPolicyPlugins(options),
    ...resourceBindingPlugins(),
    ...workPlugins(),
    ...workloadRebalancerPlugins(),
  ];
}

export type { KarmadaAdmissionOptions };
