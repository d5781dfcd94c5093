// How to reach a member, read from its Cluster and the Secrets it names, as Karmada's
// controllers build a cluster's client config (token and caBundle keys of the secretRef).

import type { Cluster } from '../../shared/karmada/cluster.js';
import type { MemberClient, MemberEndpoint } from '../../shared/member/member-client.js';
import type { ReconcileContext } from '../reconciler.js';
import { keyOf } from '../object-writes.js';
import { SECRETS } from './resources.js';

function decode(b64: unknown): string | undefined {
  if (typeof b64 !== 'string' || !b64) return undefined;
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

async function secretData(ctx: ReconcileContext, ref: { namespace?: string; name?: string } | undefined): Promise<Record<string, string> | undefined> {
  if (!ref?.name) return undefined;
  const secret = await ctx.store.get(keyOf(SECRETS, ref.namespace ?? 'karmada-cluster', ref.name));
  return (secret as { data?: Record<string, string> } | undefined)?.data;
}

export async function memberEndpoint(ctx: ReconcileContext, cluster: Cluster, opts: { impersonator?: boolean } = {}): Promise<MemberEndpoint | undefined> {
  const spec = cluster.spec;
  if (!spec.apiEndpoint) return undefined;
  const data = await secretData(ctx, spec.secretRef);
  const token = opts.impersonator ? decode((await secretData(ctx, spec.impersonatorSecretRef))?.token) : decode(data?.token);
  const caBundle = decode(data?.caBundle);
  return {
    cluster: cluster.metadata.name ?? '',
    apiEndpoint: spec.apiEndpoint,
    ...(token ? { token } : {}),
    ...(caBundle ? { caBundle } : {}),
    ...(spec.insecureSkipTLSVerification ? { insecureSkipTLSVerification: true } : {}),
    ...(spec.proxyURL ? { proxyURL: spec.proxyURL } : {}),
    ...(spec.proxyHeader ? { proxyHeader: spec.proxyHeader } : {}),
  };
}

/** The client for a Push member, or undefined when it cannot be reached from here (Pull, no endpoint, no transport). */
export async function memberClientFor(ctx: ReconcileContext, cluster: Cluster): Promise<MemberClient | undefined> {
  if (!ctx.members || cluster.spec.syncMode !== 'Push') return undefined;
  const endpoint = await memberEndpoint(ctx, cluster);
  return endpoint ? ctx.members.forEndpoint(endpoint) : undefined;
}
