// Bootstrap tokens as kubeadm makes them: `<id>.<secret>` (6 and 16 characters of [a-z0-9]),
// stored as the Secret bootstrap-token-<id> in kube-system. The API server already accepts
// them as `system:bootstrap:<id>` in the group system:bootstrappers (shared/authn).

import { randomInt } from 'node:crypto';
import { BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE, bootstrapSecretName } from '../../shared/authn/bootstrap-token.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** The extra group Karmada gives the tokens of `karmadactl token create`. */
export const KARMADA_BOOTSTRAP_GROUP = 'system:bootstrappers:karmada:default-cluster-token';

function randomString(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

export interface BootstrapToken {
  id: string;
  secret: string;
  token: string;
}

export function generateBootstrapToken(): BootstrapToken {
  const id = randomString(6);
  const secret = randomString(16);
  return { id, secret, token: `${id}.${secret}` };
}

/** The Secret for a token; `expiresAt` unset means it never expires. */
export function bootstrapTokenSecret(t: BootstrapToken, opts: { expiresAt?: Date | undefined; description?: string | undefined }): Record<string, unknown> {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  const data: Record<string, string> = {
    'token-id': b64(t.id),
    'token-secret': b64(t.secret),
    'usage-bootstrap-authentication': b64('true'),
    'usage-bootstrap-signing': b64('true'),
    'auth-extra-groups': b64(KARMADA_BOOTSTRAP_GROUP),
  };
  if (opts.expiresAt) data.expiration = b64(opts.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  if (opts.description) data.description = b64(opts.description);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    metadata: { name: bootstrapSecretName(t.id), namespace: BOOTSTRAP_TOKEN_NAMESPACE },
    data,
  };
}
