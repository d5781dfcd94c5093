// Changes a Cluster's spec.taints conditionally on the resourceVersion it read, as kubectl
// taint does on a Node: a concurrent writer (the cluster reconciler adding not-ready) makes
// the patch fail with 409, and the change is worked out again on what is there now.

import type { Taint } from '../../shared/karmada/common.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import { isKubeApiError, type KubeClient } from './kube-client.js';
import { clusterPath } from './names.js';

const ATTEMPTS = 5;

/**
 * `change` gets the current taints and returns the new list, or undefined to write nothing.
 * Resolves to what change returned the last time (undefined: nothing written).
 */
export async function updateClusterTaints<R>(
  cp: KubeClient,
  name: string,
  change: (taints: Taint[], cluster: Cluster) => { taints: Taint[]; result: R } | { result: R; taints?: undefined },
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const cluster = await cp.get<Cluster>(clusterPath(name));
    if (!cluster) throw new Error(`cluster ${JSON.stringify(name)} not found`);
    const out = change(cluster.spec.taints ?? [], cluster);
    if (!out.taints) return out.result;
    try {
      await cp.mergePatch(clusterPath(name), {
        metadata: { resourceVersion: cluster.metadata.resourceVersion },
        spec: { taints: out.taints.length ? out.taints : null },
      });
      return out.result;
    } catch (e) {
      if (isKubeApiError(e, 409) && attempt < ATTEMPTS) continue;
      throw e;
    }
  }
}
