import type { Context, Hono } from 'hono';
import { secretValue } from '../../shared/authn/bootstrap-token.js';
import { ALL_AUTHENTICATED } from '../../shared/authn/user.js';
import { CLUSTER_GROUP, CLUSTER_VERSION, type Cluster } from '../../shared/karmada/cluster.js';
import { isMemberError, type MemberClients, type MemberEndpoint, type MemberRequest } from '../../shared/member/member-client.js';
import type { KubeObject } from '../../shared/object.js';
import { ApiError, errors } from '../../shared/status.js';
import type { AppEnv, ServerContext, UserInfo } from '../context.js';
import { statusResponse } from '../errors.js';

/**
 * The Cluster `proxy` subresource (`/apis/cluster.karmada.io/v1alpha1/clusters/NAME/proxy/…`),
 * as Karmada's aggregated API server serves it: the request goes on to the member's API
 * server speaking as the caller (Impersonate-User/-Group/-Extra, with the token of the
 * Cluster's impersonatorSecretRef), never with the control plane's own credential, so the
 * member's RBAC decides what the caller may do there. Authorization for `clusters/proxy` has
 * already happened in the middleware (the path parses as that subresource).
 */

const PREFIX = `/apis/${CLUSTER_GROUP}/${CLUSTER_VERSION}/clusters/`;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** Headers of the caller that must not reach the member: its credential, its own impersonation, hop-by-hop ones. */
const DROPPED_REQUEST_HEADERS = /^(authorization|cookie|host|connection|keep-alive|transfer-encoding|upgrade|te|trailer|proxy-.*|impersonate-.*|content-length|accept-encoding|x-forwarded-.*)$/i;
const DROPPED_RESPONSE_HEADERS = /^(connection|keep-alive|transfer-encoding|upgrade|te|trailer|content-length|content-encoding|set-cookie)$/i;

function unavailable(message: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', message, { name: '', group: CLUSTER_GROUP, kind: 'clusters' });
}

/** The Impersonate-* headers that make the member see `user`; kube-apiserver adds system:authenticated itself. */
export function impersonationHeaders(user: UserInfo): Record<string, string> {
  const headers: Record<string, string> = { 'Impersonate-User': user.username };
  const groups = user.groups.filter((g) => g !== ALL_AUTHENTICATED);
  if (groups.length) headers['Impersonate-Group'] = groups.join(', ');
  if (user.uid) headers['Impersonate-Uid'] = user.uid;
  for (const [key, values] of Object.entries(user.extra ?? {})) {
    if (values.length) headers[`Impersonate-Extra-${encodeURIComponent(key)}`] = values.join(', ');
  }
  return headers;
}

async function secretOf(ctx: ServerContext, ref: { namespace: string; name: string } | undefined): Promise<KubeObject | undefined> {
  if (!ref) return undefined;
  return ctx.store.get({ group: '', resource: 'secrets', namespace: ref.namespace, name: ref.name });
}

/** How to reach the member as its impersonator: the impersonator's token, the CA from the credential Secret. */
async function impersonatorEndpoint(ctx: ServerContext, cluster: Cluster): Promise<MemberEndpoint> {
  const name = cluster.metadata.name ?? '';
  const spec = cluster.spec;
  if (!spec.apiEndpoint) throw unavailable(`cluster "${name}" has no apiEndpoint: the control plane cannot reach it (a Pull cluster without one is served by its agent only)`);
  if (!spec.impersonatorSecretRef) throw unavailable(`cluster "${name}" has no impersonatorSecretRef: the proxy only speaks to a member as its caller, never with the control plane's own credential`);
  const impersonator = await secretOf(ctx, spec.impersonatorSecretRef);
  const token = impersonator ? secretValue(impersonator, 'token') : undefined;
  if (!token) throw unavailable(`the impersonator Secret ${spec.impersonatorSecretRef.namespace}/${spec.impersonatorSecretRef.name} of cluster "${name}" holds no token`);
  const credential = await secretOf(ctx, spec.secretRef);
  const caBundle = credential ? secretValue(credential, 'caBundle') : undefined;
  return {
    cluster: name,
    apiEndpoint: spec.apiEndpoint,
    token,
    ...(caBundle ? { caBundle } : {}),
    ...(spec.insecureSkipTLSVerification ? { insecureSkipTLSVerification: true } : {}),
    ...(spec.proxyURL ? { proxyURL: spec.proxyURL } : {}),
    ...(spec.proxyHeader ? { proxyHeader: spec.proxyHeader } : {}),
  };
}

/** `NAME` and the member path (`/…` with the query) of a proxy URL, or undefined when it is not one. */
export function parseProxyPath(pathname: string, search: string): { name: string; path: string } | undefined {
  if (!pathname.startsWith(PREFIX)) return undefined;
  const rest = pathname.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const name = decodeURIComponent(rest.slice(0, slash));
  const after = rest.slice(slash + 1);
  if (after !== 'proxy' && !after.startsWith('proxy/')) return undefined;
  const path = after === 'proxy' ? '/' : after.slice('proxy'.length);
  return { name, path: path + search };
}

async function proxy(ctx: ServerContext, clients: MemberClients | undefined, c: Context<AppEnv>): Promise<Response> {
  const url = new URL(c.req.url);
  const target = parseProxyPath(url.pathname, url.search);
  if (!target) return statusResponse(errors.notFound({ group: CLUSTER_GROUP, resource: 'clusters' }).status);
  const method = c.req.method.toUpperCase();
  if (!METHODS.has(method)) throw errors.methodNotAllowed(`the proxy does not forward ${method}`);
  const cluster = (await ctx.store.get({ group: CLUSTER_GROUP, resource: 'clusters', namespace: '', name: target.name })) as Cluster | undefined;
  if (!cluster) throw errors.notFound({ group: CLUSTER_GROUP, resource: 'clusters', name: target.name });
  if (!clients) throw unavailable('the Cluster proxy is not available: this control plane was started without a way to reach member clusters');
  const endpoint = await impersonatorEndpoint(ctx, cluster);

  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    if (!DROPPED_REQUEST_HEADERS.test(key)) headers[key] = value;
  });
  Object.assign(headers, impersonationHeaders(c.get('user')));
  const body = method === 'GET' || method === 'DELETE' ? await c.req.text().then((t) => t || undefined) : await c.req.text();
  const request: MemberRequest = {
    method: method as MemberRequest['method'],
    path: target.path,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(c.req.header('content-type') ? { contentType: c.req.header('content-type')! } : {}),
    ...(c.req.header('accept') ? { accept: c.req.header('accept')! } : {}),
  };
  try {
    const res = await clients.forEndpoint(endpoint).request(request);
    const out = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (!DROPPED_RESPONSE_HEADERS.test(k)) out.set(k, v);
    return new Response(res.body, { status: res.status, headers: out });
  } catch (e) {
    if (isMemberError(e)) throw unavailable(`cluster "${target.name}" did not answer the proxied request: ${e.message}`);
    throw e;
  }
}

/** Registers the proxy before the generic resource routes, which would otherwise 404 it. */
export function registerClusterProxy(app: Hono<AppEnv>, ctx: ServerContext, clients: MemberClients | undefined): void {
  const handle = (c: Context<AppEnv>): Promise<Response> => proxy(ctx, clients, c);
  app.all(`${PREFIX}:name/proxy`, handle);
  app.all(`${PREFIX}:name/proxy/*`, handle);
}
