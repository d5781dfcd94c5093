// What join reads from a member's kubeconfig: where its API server is and how it is reached,
// which becomes the Cluster's apiEndpoint, insecureSkipTLSVerification and proxyURL.

import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';

export interface MemberAccess {
  apiEndpoint: string;
  /** The CA the kubeconfig trusts for this member (PEM), if it names one. */
  caPem?: string;
  insecureSkipTLSVerification: boolean;
  proxyURL?: string;
}

export function memberAccessOf(kc: KubeConfig): MemberAccess {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`the member kubeconfig has no cluster for context ${JSON.stringify(kc.getCurrentContext())}`);
  const caPem = cluster.caData
    ? Buffer.from(cluster.caData, 'base64').toString('utf8')
    : cluster.caFile
      ? readFileSync(cluster.caFile, 'utf8')
      : undefined;
  return {
    apiEndpoint: cluster.server.replace(/\/+$/, ''),
    ...(caPem ? { caPem } : {}),
    insecureSkipTLSVerification: cluster.skipTLSVerify === true,
    ...(cluster.proxyUrl ? { proxyURL: cluster.proxyUrl } : {}),
  };
}
