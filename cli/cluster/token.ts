// `flotilla token create|list|delete`: bootstrap tokens for Pull-mode registration.

import { BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE, bootstrapSecretName, secretValue } from '../../shared/authn/bootstrap-token.js';
import type { KubeObject } from '../../shared/object.js';
import { bootstrapTokenSecret, generateBootstrapToken } from './bootstrap-token.js';
import { caCertHash } from './ca-hash.js';
import type { KubeClient } from './kube-client.js';
import { memberAccessOf } from './member-kubeconfig.js';
import { applyAll, clusterInfoConfigMap, registrationSetupObjects } from './registration-rbac.js';

export interface CreatedToken {
  token: string;
  expiresAt?: Date;
  /** The control plane's URL and CA pin, for the register command. */
  server: string;
  caHash?: string;
}

/**
 * Creates a token and (idempotently) what registration needs: the bootstrappers' roles and
 * the cluster-info ConfigMap with the control plane's CA.
 */
export async function createToken(cp: KubeClient, opts: { ttlMs: number; description?: string | undefined; now?: number }): Promise<CreatedToken> {
  const access = memberAccessOf(cp.kc);
  await applyAll(cp, registrationSetupObjects());
  if (access.caPem) await applyAll(cp, [clusterInfoConfigMap(access.apiEndpoint, access.caPem)]);
  const t = generateBootstrapToken();
  const expiresAt = opts.ttlMs > 0 ? new Date((opts.now ?? Date.now()) + opts.ttlMs) : undefined;
  await cp.create(`/api/v1/namespaces/${BOOTSTRAP_TOKEN_NAMESPACE}/secrets`, bootstrapTokenSecret(t, { expiresAt, description: opts.description }));
  return { token: t.token, ...(expiresAt ? { expiresAt } : {}), server: access.apiEndpoint, ...(access.caPem ? { caHash: caCertHash(access.caPem) } : {}) };
}

export interface ListedToken {
  id: string;
  expires: string;
  usages: string[];
  description: string;
  groups: string;
}

export async function listTokens(cp: KubeClient): Promise<ListedToken[]> {
  const secrets = await cp.list<KubeObject>(`/api/v1/namespaces/${BOOTSTRAP_TOKEN_NAMESPACE}/secrets?fieldSelector=type%3D${encodeURIComponent(BOOTSTRAP_TOKEN_SECRET_TYPE)}`);
  return secrets
    .filter((s) => (s as { type?: string }).type === BOOTSTRAP_TOKEN_SECRET_TYPE)
    .map((s) => {
      const v = (k: string): string => secretValue(s, k) ?? '';
      return {
        id: v('token-id'),
        expires: v('expiration') || '<forever>',
        usages: ['authentication', 'signing'].filter((u) => v(`usage-bootstrap-${u}`) === 'true'),
        description: v('description'),
        groups: v('auth-extra-groups'),
      };
    })
    .filter((t) => t.id);
}

/** Deletes by id or whole token; false when there was no such token. */
export async function deleteToken(cp: KubeClient, idOrToken: string): Promise<boolean> {
  const id = idOrToken.split('.')[0]!;
  return cp.delete(`/api/v1/namespaces/${BOOTSTRAP_TOKEN_NAMESPACE}/secrets/${bootstrapSecretName(id)}`);
}

export function registerCommandLine(t: CreatedToken): string {
  return [
    'flotilla register',
    t.server,
    '--token',
    t.token,
    ...(t.caHash ? ['--discovery-token-ca-cert-hash', t.caHash] : ['--discovery-token-unsafe-skip-ca-verification']),
    '--cluster-name NAME --cluster-kubeconfig FILE',
  ].join(' ');
}
