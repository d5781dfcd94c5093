// What `flotilla up` installs so that failover is on by default: one ClusterTaintPolicy that
// puts `cluster.karmada.io/not-ready:NoExecute` on a Cluster while its Ready condition is False
// or Unknown, and takes it off once Ready is True again. With the taint manager's default
// toleration (300 s, `--default-not-ready-toleration-seconds`) a blip evicts nothing and a dead
// cluster's workloads move after five minutes. `up --no-failover` installs nothing; deleting or
// editing the policy is honoured until the next `up` that finds it missing.

import { request } from 'node:https';
import type { ControlPlaneAccess } from './auto-join.js';

export const DEFAULT_NOT_READY_POLICY = 'cluster-not-ready';

export function defaultNotReadyTaintPolicy(): Record<string, unknown> {
  return {
    apiVersion: 'policy.karmada.io/v1alpha1',
    kind: 'ClusterTaintPolicy',
    metadata: {
      name: DEFAULT_NOT_READY_POLICY,
      annotations: { 'flotilla.io/description': 'Installed by flotilla up: NoExecute taint while Ready is False or Unknown, so workloads leave a dead cluster after their toleration (300 s by default).' },
    },
    spec: {
      addOnConditions: [{ conditionType: 'Ready', operator: 'NotIn', statusValues: ['True'] }],
      removeOnConditions: [{ conditionType: 'Ready', operator: 'In', statusValues: ['True'] }],
      taints: [{ key: 'cluster.karmada.io/not-ready', effect: 'NoExecute' }],
    },
  };
}

/** Creates the default policy unless one of that name exists; resolves to whether it was created. */
export async function installDefaultPolicies(cp: ControlPlaneAccess): Promise<boolean> {
  const url = new URL('/apis/policy.karmada.io/v1alpha1/clustertaintpolicies?fieldManager=flotilla-up', cp.url);
  const payload = JSON.stringify(defaultNotReadyTaintPolicy());
  return new Promise<boolean>((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca: cp.caCertPem, headers: { authorization: `Bearer ${cp.token}`, 'content-type': 'application/json', accept: 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => {
          const code = res.statusCode ?? 500;
          if (code < 300) resolve(true);
          else if (code === 409) resolve(false);
          else reject(new Error(`POST ${url.pathname}: ${code} ${text.slice(0, 300)}`));
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
