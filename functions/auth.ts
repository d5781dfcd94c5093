import type { MiddlewareHandler } from 'hono';
import {
  authenticateBootstrapToken,
  BOOTSTRAP_TOKEN_NAMESPACE,
  bootstrapSecretName,
  parseBootstrapToken,
  secretValue,
} from '../shared/authn/bootstrap-token.js';
import { peekPayload } from '../shared/authn/jws.js';
import { LEGACY_ISSUER, verifyLegacyToken } from '../shared/authn/legacy-service-account-token.js';
import { anonymousUser, serviceAccountUser as saUser, SYSTEM_MASTERS, ALL_AUTHENTICATED } from '../shared/authn/user.js';
import { constantTimeEqual, sha256Hex, verifyServiceAccountToken } from '../shared/service-account-token.js';
import { errors } from '../shared/status.js';
import { securityOf } from './security-context.js';
import type { AppEnv, ServerContext, UserInfo } from './context.js';

/**
 * Paths anonymous callers may reach (health and version, and kubeadm's kube-public/cluster-info,
 * which `flotilla register` reads before it trusts the CA; RBAC still decides); any other
 * anonymous request is 401.
 */
const ANONYMOUS_PATHS = /^\/((version|healthz|livez|readyz)(\/.*)?|api\/v1\/namespaces\/kube-public\/configmaps\/cluster-info)$/;

/** The Secret type upstream's tokens controller fills with a ServiceAccount token. */
export const SERVICE_ACCOUNT_TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';

/** The identity a ServiceAccount token stands for, as kube names it. */
export function serviceAccountUser(namespace: string, name: string, uid: string): UserInfo {
  return saUser(namespace, name, uid);
}

async function serviceAccountExists(ctx: ServerContext, namespace: string, name: string, uid: string): Promise<boolean> {
  const sa = await ctx.store.get({ group: '', resource: 'serviceaccounts', namespace, name });
  return Boolean(sa && sa.metadata.uid === uid && !sa.metadata.deletionTimestamp);
}

/** A TokenRequest token: signed here, unexpired, meant for this API server, its ServiceAccount still the same one. */
async function boundServiceAccountToken(ctx: ServerContext, token: string, audiences: string[]): Promise<UserInfo | undefined> {
  if (!ctx.config.tokenSigningKey) return undefined;
  const claims = await verifyServiceAccountToken(ctx.config.tokenSigningKey, token, Math.floor(ctx.now() / 1000));
  if (!claims || claims.iss !== ctx.config.tokenIssuer) return undefined;
  // A token requested for another audience is for someone else and must not work here.
  if (!claims.aud.some((a) => audiences.includes(a))) return undefined;
  const bound = claims['kubernetes.io'];
  const { namespace, serviceaccount } = bound;
  if (!(await serviceAccountExists(ctx, namespace, serviceaccount.name, serviceaccount.uid))) return undefined;
  // A token bound to a Pod, Secret or Node lives only as long as that object does.
  for (const [resource, ref, ns] of [['pods', bound.pod, namespace], ['secrets', bound.secret, namespace], ['nodes', bound.node, '']] as const) {
    if (!ref) continue;
    const obj = await ctx.store.get({ group: '', resource, namespace: ns, name: ref.name });
    if (!obj || obj.metadata.uid !== ref.uid || obj.metadata.deletionTimestamp) return undefined;
  }
  return serviceAccountUser(namespace, serviceaccount.name, serviceaccount.uid);
}

/**
 * A token from a `kubernetes.io/service-account-token` Secret: valid while that Secret still
 * holds exactly this token and its ServiceAccount exists with the same uid, so deleting
 * either revokes it.
 */
async function legacyServiceAccountToken(ctx: ServerContext, token: string): Promise<UserInfo | undefined> {
  const claims = await verifyLegacyToken(ctx.config.tokenSigningKey, token);
  if (!claims) return undefined;
  const namespace = claims['kubernetes.io/serviceaccount/namespace'];
  const secret = await ctx.store.get({ group: '', resource: 'secrets', namespace, name: claims['kubernetes.io/serviceaccount/secret.name'] });
  if (!secret || secret.metadata.deletionTimestamp || secret.type !== SERVICE_ACCOUNT_TOKEN_SECRET_TYPE) return undefined;
  if (!constantTimeEqual(secretValue(secret, 'token') ?? '', token)) return undefined;
  const name = claims['kubernetes.io/serviceaccount/service-account.name'];
  const uid = claims['kubernetes.io/serviceaccount/service-account.uid'];
  if (!(await serviceAccountExists(ctx, namespace, name, uid))) return undefined;
  return serviceAccountUser(namespace, name, uid);
}

async function bootstrapToken(ctx: ServerContext, token: { id: string; secret: string }): Promise<UserInfo | undefined> {
  const secret = await ctx.store.get({ group: '', resource: 'secrets', namespace: BOOTSTRAP_TOKEN_NAMESPACE, name: bootstrapSecretName(token.id) });
  const result = authenticateBootstrapToken(token, secret, ctx.now());
  return 'user' in result ? result.user : undefined;
}

/**
 * Resolves a bearer token to a user: the admin token (compared by SHA-256 in constant
 * time), a bootstrap token (`<id>.<secret>`), a TokenRequest token or a Secret-based
 * ServiceAccount token. Which verifier a JWT goes to is decided by its issuer; the verifier
 * then checks the signature. `audiences` (a TokenReview's) default to this API server's own,
 * its issuer, as upstream's --api-audiences; tokens that carry no audience are good only
 * for those.
 */
export async function authenticateToken(ctx: ServerContext, token: string, audiences?: string[]): Promise<UserInfo | undefined> {
  const wanted = audiences && audiences.length ? audiences : [ctx.config.tokenIssuer];
  if (!wanted.includes(ctx.config.tokenIssuer)) return boundServiceAccountToken(ctx, token, wanted);
  if (constantTimeEqual(await sha256Hex(token), ctx.config.adminTokenSha256.toLowerCase())) {
    return { username: ctx.config.adminUsername, groups: [SYSTEM_MASTERS, ALL_AUTHENTICATED] };
  }
  const bootstrap = parseBootstrapToken(token);
  if (bootstrap) return bootstrapToken(ctx, bootstrap);
  if (!ctx.config.tokenSigningKey) return undefined;
  const payload = peekPayload(token) as { iss?: unknown } | undefined;
  if (payload?.iss === LEGACY_ISSUER) return legacyServiceAccountToken(ctx, token);
  return boundServiceAccountToken(ctx, token, wanted);
}

/**
 * Bearer tokens only (workerd sees no client certificates). A request without an
 * Authorization header is `system:anonymous` on the health and version paths and 401
 * everywhere else; a token that does not authenticate is 401 on every path, as upstream.
 */
export function authentication(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    let user: UserInfo | undefined;
    if (header === undefined || header.trim() === '') {
      if (ANONYMOUS_PATHS.test(c.req.path)) user = anonymousUser();
    } else {
      const m = header.match(/^Bearer\s+(\S+)\s*$/i);
      user = m ? await authenticateToken(ctx, m[1]!) : undefined;
    }
    if (!user) throw errors.unauthorized();
    c.set('user', user);
    const security = securityOf(c);
    if (security) security.authenticated = user;
    return next();
  };
}
