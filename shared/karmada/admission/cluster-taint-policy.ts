import type { AdmissionPlugin } from '../../admission/plugin.js';
import type { KubeObject } from '../../object.js';
import type { StatusCause } from '../../status.js';
import type { ClusterTaintPolicy } from '../cluster-taint-policy.js';
import { child, duplicate, forbidden, index, invalid } from '../field-errors.js';
import { POLICY_GROUP } from '../propagation-policy.js';
import { validateClusterAffinity } from './cluster-affinity.js';
import { defaultKarmadaAdmissionOptions, type KarmadaAdmissionOptions } from './options.js';

/**
 * Karmada's ClusterTaintPolicy webhook: a taint (key and effect) is managed by one policy
 * only, listed once, and NoExecute only when the operator allows it.
 */

const asPolicy = (obj: KubeObject): ClusterTaintPolicy => obj as unknown as ClusterTaintPolicy;

export function validateClusterTaintPolicy(
  policy: ClusterTaintPolicy,
  others: readonly ClusterTaintPolicy[],
  options: KarmadaAdmissionOptions,
): StatusCause[] {
  const out: StatusCause[] = [];
  const seen = new Set<string>();
  policy.spec.taints.forEach((t, i) => {
    const at = index('spec.taints', i);
    const id = `${t.key}:${t.effect}`;
    if (seen.has(id)) out.push(duplicate(at, id));
    seen.add(id);
    if (t.effect === 'NoExecute' && !options.allowNoExecuteTaintPolicy) {
      out.push(forbidden(child(at, 'effect'), 'NoExecute taints evict workloads and are not allowed in ClusterTaintPolicies on this control plane'));
    }
    for (const other of others) {
      if (other.metadata.name === policy.metadata.name) continue;
      if (other.spec.taints.some((o) => o.key === t.key && o.effect === t.effect)) {
        out.push(invalid(at, id, `this taint is already managed by ClusterTaintPolicy ${JSON.stringify(other.metadata.name ?? '')}`));
        break;
      }
    }
  });
  out.push(...validateClusterAffinity(policy.spec.targetClusters, 'spec.targetClusters'));
  return out;
}

export function clusterTaintPolicyPlugins(options: KarmadaAdmissionOptions = defaultKarmadaAdmissionOptions): AdmissionPlugin[] {
  return [
    {
      name: 'ClusterTaintPolicy',
      resources: [`clustertaintpolicies.${POLICY_GROUP}`],
      needsPeers: true,
      validate({ object, peers }) {
        // Peers come from storage, written through this same admission: they have the kind's shape.
        return validateClusterTaintPolicy(asPolicy(object), peers.map(asPolicy), options);
      },
    },
  ];
}
