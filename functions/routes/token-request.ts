import { boundUidConflict, parseBoundObjectRef } from '../../shared/authn/bound-object.js';
import { signServiceAccountToken } from '../../shared/service-account-token.js';
import { errors } from '../../shared/status.js';
import { rfc3339 } from '../../shared/time.js';
import { decodeObjectBody } from '../body.js';
import { jsonResponse } from '../render.js';
import type { ResourceRequest } from './resources.js';

const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

/**
 * `serviceaccounts/<name>/token` (TokenRequest): mints an HS256 JWT for the ServiceAccount,
 * which authenticates as `system:serviceaccount:<ns>:<name>` while the ServiceAccount exists
 * with the same uid.
 */
export async function createToken(r: ResourceRequest, name: string): Promise<Response> {
  const body = await decodeObjectBody(r.c.req.raw, r.ctx.config.maxRequestBodyBytes);
  if (body.apiVersion !== undefined && body.apiVersion !== 'authentication.k8s.io/v1') {
    throw errors.badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (authentication.k8s.io/v1)`);
  }
  if (body.kind !== undefined && body.kind !== 'TokenRequest') {
    throw errors.badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (TokenRequest)`);
  }
  const sa = await r.ctx.store.get({ group: '', resource: 'serviceaccounts', namespace: r.namespace, name });
  if (!sa) throw errors.notFound({ group: '', resource: 'serviceaccounts', name });
  const spec = (body.spec ?? {}) as { audiences?: unknown; expirationSeconds?: unknown; boundObjectRef?: unknown };
  const expirationSeconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : DEFAULT_EXPIRATION_SECONDS;
  const ref = { group: 'authentication.k8s.io', resource: 'tokenrequests', kind: 'TokenRequest', name };
  if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
    throw errors.invalid(ref, [
      { type: 'FieldValueInvalid', message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes`, field: 'spec.expirationSeconds' },
    ]);
  }
  if (expirationSeconds > MAX_EXPIRATION_SECONDS) {
    throw errors.invalid(ref, [
      { type: 'FieldValueInvalid', message: `Invalid value: ${expirationSeconds}: may not specify a duration larger than 2^32 seconds`, field: 'spec.expirationSeconds' },
    ]);
  }
  const bound = parseBoundObjectRef(spec.boundObjectRef, name);
  let boundClaim: Record<string, { name: string; uid: string }> = {};
  if (bound) {
    const obj = await r.ctx.store.get({ group: '', resource: bound.resource, namespace: bound.kind === 'Node' ? '' : r.namespace, name: bound.name });
    if (!obj) throw errors.notFound({ group: '', resource: bound.resource, name: bound.name });
    const uid = obj.metadata.uid ?? '';
    const conflict = boundUidConflict(bound, uid);
    if (conflict) throw conflict;
    boundClaim = { [bound.claim]: { name: bound.name, uid } };
  }
  const audiences =
    Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.map(String) : [r.ctx.config.tokenIssuer];
  const nowMs = r.ctx.now();
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + expirationSeconds;
  const token = await signServiceAccountToken(r.ctx.config.tokenSigningKey, {
    iss: r.ctx.config.tokenIssuer,
    sub: `system:serviceaccount:${r.namespace}:${name}`,
    aud: audiences,
    exp,
    iat,
    nbf: iat,
    jti: crypto.randomUUID(),
    'kubernetes.io': { namespace: r.namespace, serviceaccount: { name, uid: sa.metadata.uid ?? '' }, ...boundClaim },
  });
  const metadata = (body.metadata ?? {}) as Record<string, unknown>;
  return jsonResponse(
    {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { ...metadata, name, namespace: r.namespace, creationTimestamp: rfc3339(nowMs) },
      spec: { audiences, expirationSeconds, boundObjectRef: bound ? { ...(spec.boundObjectRef as Record<string, unknown>), uid: boundClaim[bound.claim]!.uid } : null },
      status: { token, expirationTimestamp: rfc3339(exp * 1000) },
    },
    201,
  );
}
