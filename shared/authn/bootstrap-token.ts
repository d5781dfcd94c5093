import { ALL_AUTHENTICATED, BOOTSTRAPPERS_GROUP, type UserInfo } from './user.js';

/** Bootstrap tokens live in kube-system as Secrets of this type, named `bootstrap-token-<id>`. */
export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_NAMESPACE = 'kube-system';
const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const EXTRA_GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

export function bootstrapSecretName(tokenId: string): string {
  return `bootstrap-token-${tokenId}`;
}

/** `<id>.<secret>`, or undefined when the string is not shaped like a bootstrap token. */
export function parseBootstrapToken(token: string): { id: string; secret: string } | undefined {
  const m = TOKEN.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

function decodeBase64(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const bin = atob(value);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** A Secret value: `data` is base64 (what the API stores); `stringData` only if a writer left it plain. */
export function secretValue(secret: { [field: string]: unknown }, key: string): string | undefined {
  const data = secret.data as Record<string, unknown> | undefined;
  if (data && typeof data === 'object' && key in data) return decodeBase64(data[key]);
  const plain = secret.stringData as Record<string, unknown> | undefined;
  const v = plain && typeof plain === 'object' ? plain[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export type BootstrapTokenResult = { user: UserInfo } | { rejected: string };

/**
 * Upstream's bootstrap token authenticator: the Secret must be of the bootstrap type, not
 * being deleted, name this id, hold this secret (compared in constant time), allow
 * authentication, and not be past its expiration. The reason of a rejection is for the
 * server's own diagnostics, never for the caller (who only learns 401).
 */
export function authenticateBootstrapToken(
  token: { id: string; secret: string },
  secret: { type?: unknown; metadata?: { deletionTimestamp?: string | null; [field: string]: unknown }; [field: string]: unknown } | undefined,
  nowMs: number,
): BootstrapTokenResult {
  if (!secret) return { rejected: 'no such bootstrap token' };
  if (secret.metadata?.deletionTimestamp) return { rejected: 'the token secret is being deleted' };
  if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return { rejected: 'the secret is not a bootstrap token' };
  const storedSecret = secretValue(secret, 'token-secret') ?? '';
  if (!constantTimeEqual(storedSecret, token.secret)) return { rejected: 'the token secret does not match' };
  if (secretValue(secret, 'token-id') !== token.id) return { rejected: 'the token id does not match' };
  const expiration = secretValue(secret, 'expiration');
  if (expiration !== undefined) {
    const at = Date.parse(expiration);
    if (Number.isNaN(at) || at <= nowMs) return { rejected: 'the token has expired' };
  }
  if (secretValue(secret, 'usage-bootstrap-authentication') !== 'true') return { rejected: 'the token may not be used for authentication' };
  const groups = [BOOTSTRAPPERS_GROUP];
  for (const g of (secretValue(secret, 'auth-extra-groups') ?? '').split(',')) {
    const group = g.trim();
    if (!group) continue;
    if (!EXTRA_GROUP.test(group)) return { rejected: `auth-extra-groups has an invalid group ${JSON.stringify(group)}` };
    if (!groups.includes(group)) groups.push(group);
  }
  groups.push(ALL_AUTHENTICATED);
  return { user: { username: `system:bootstrap:${token.id}`, groups } };
}
