import type { MiddlewareHandler } from 'hono';
import { constantTimeEqual, sha256Hex, verifyServiceAccountToken } from '../shared/service-account-token.js';
import { errors } from '../shared/status.js';
import type { AppEnv, ServerContext, UserInfo } from './context.js';

/** Paths kube-apiserver serves to anyone (health and version), so probes and kubectl's version check need no token. */
const PUBLIC_PATHS = /^\/(version|healthz|livez|readyz)(\/.*)?$/;

/** The identity a ServiceAccount token stands for, as kube names it. */
export function serviceAccountUser(namespace: string, name: string, uid: string): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

/**
 * Resolves a bearer token to a user: the admin token (compared by SHA-256 in constant
 * time) or a TokenRequest token whose ServiceAccount still exists with the same uid (so
 * deleting the ServiceAccount revokes its tokens).
 */
export async function authenticateToken(ctx: ServerContext, token: string): Promise<UserInfo | undefined> {
  if (constantTimeEqual(await sha256Hex(token), ctx.config.adminTokenSha256.toLowerCase())) {
    return { username: ctx.config.adminUsername, groups: ['system:masters', 'system:authenticated'] };
  }
  if (!ctx.config.tokenSigningKey) return undefined;
  const claims = await verifyServiceAccountToken(ctx.config.tokenSigningKey, token, Math.floor(ctx.now() / 1000));
  if (!claims || claims.iss !== ctx.config.tokenIssuer) return undefined;
  const { namespace, serviceaccount } = claims['kubernetes.io'];
  const sa = await ctx.store.get({ group: '', resource: 'serviceaccounts', namespace, name: serviceaccount.name });
  if (!sa || sa.metadata.uid !== serviceaccount.uid || sa.metadata.deletionTimestamp) return undefined;
  return serviceAccountUser(namespace, serviceaccount.name, serviceaccount.uid);
}

export function authentication(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (PUBLIC_PATHS.test(c.req.path)) return next();
    const header = c.req.header('authorization') ?? '';
    const m = header.match(/^Bearer\s+(\S+)\s*$/i);
    const user = m ? await authenticateToken(ctx, m[1]!) : undefined;
    if (!user) throw errors.unauthorized();
    c.set('user', user);
    return next();
  };
}
