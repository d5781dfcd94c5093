import type { KubeObject } from '../../shared/object.js';
import { reviewAttributes, reviewSubject, validateAccessReviewSpec, type AccessReviewSpec } from '../../shared/rbac/access-review.js';
import { groupVersionString } from '../../shared/registry/resource-type.js';
import { errors } from '../../shared/status.js';
import { authenticateToken } from '../auth.js';
import type { UserInfo } from '../context.js';
import { PolicyCache } from '../rbac-policy.js';
import { jsonResponse } from '../render.js';
import { securityOf } from '../security-context.js';
import type { ResourceRequest } from './resources.js';

function userInfoJson(user: UserInfo): Record<string, unknown> {
  return {
    username: user.username,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: user.groups,
    ...(user.extra ? { extra: user.extra } : {}),
  };
}

function policyOf(r: ResourceRequest): PolicyCache {
  return securityOf(r.c)?.policy ?? new PolicyCache(r.ctx.store);
}

function specOf(obj: KubeObject): Record<string, unknown> {
  const spec = obj.spec;
  return typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? (spec as Record<string, unknown>) : {};
}

function invalid(r: ResourceRequest, causes: ReturnType<typeof validateAccessReviewSpec>): Error {
  return errors.invalid({ group: r.type.group, resource: r.type.resource, kind: r.type.kind, name: '' }, causes);
}

/** An access review's answer: allowed, and upstream's reason when there is one. */
async function accessStatus(r: ResourceRequest, user: UserInfo, spec: AccessReviewSpec): Promise<Record<string, unknown>> {
  const decision = await policyOf(r).authorize(reviewAttributes(user, spec));
  return { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
}

/**
 * The review kinds: created, answered, never stored. Access and rules reviews evaluate the
 * same RBAC objects as every request (through the request's own cache), so
 * `kubectl auth can-i` tells the truth; SelfSubjectReview is `kubectl auth whoami`.
 */
export async function createReview(r: ResourceRequest, obj: KubeObject): Promise<Response> {
  const user = r.c.get('user');
  const base = {
    kind: r.type.kind,
    apiVersion: groupVersionString(r.type.group, r.version),
    metadata: { ...obj.metadata, creationTimestamp: null },
  };
  const spec = specOf(obj);
  switch (r.type.resource) {
    case 'selfsubjectreviews':
      return jsonResponse({ ...base, status: { userInfo: userInfoJson(user) } }, 201);
    case 'selfsubjectaccessreviews': {
      const causes = validateAccessReviewSpec(spec, { needsSubject: false });
      if (causes.length) throw invalid(r, causes);
      return jsonResponse({ ...base, spec, status: await accessStatus(r, user, spec as AccessReviewSpec) }, 201);
    }
    case 'subjectaccessreviews': {
      const causes = validateAccessReviewSpec(spec, { needsSubject: true });
      if (causes.length) throw invalid(r, causes);
      const subject = reviewSubject(spec as AccessReviewSpec);
      return jsonResponse({ ...base, spec, status: await accessStatus(r, subject, spec as AccessReviewSpec) }, 201);
    }
    case 'localsubjectaccessreviews': {
      const causes = validateAccessReviewSpec(spec, { needsSubject: true });
      if (spec.nonResourceAttributes) {
        causes.push({ type: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', message: 'Invalid value: "object": disallowed on this kind of request' });
      }
      if (causes.length) throw invalid(r, causes);
      const attrs = { ...(spec.resourceAttributes as Record<string, unknown>) };
      if (!attrs.namespace) attrs.namespace = r.namespace;
      else if (attrs.namespace !== r.namespace) {
        throw errors.badRequest(`spec.resourceAttributes.namespace must match namespace: ${r.namespace}`);
      }
      const full = { ...spec, resourceAttributes: attrs } as AccessReviewSpec;
      return jsonResponse({ ...base, metadata: { ...base.metadata, namespace: r.namespace }, spec: full, status: await accessStatus(r, reviewSubject(full), full) }, 201);
    }
    case 'selfsubjectrulesreviews': {
      const namespace = typeof spec.namespace === 'string' ? spec.namespace : '';
      const rules = await policyOf(r).rulesFor(user, namespace);
      return jsonResponse({ ...base, spec: { namespace }, status: rules }, 201);
    }
    case 'tokenreviews': {
      const token = typeof spec.token === 'string' ? spec.token : '';
      if (!token) throw errors.badRequest('token is required for TokenReview in authentication');
      const asked = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === 'string') : [];
      const audiences = asked.length ? asked : [r.ctx.config.tokenIssuer];
      const reviewed = await authenticateToken(r.ctx, token, audiences);
      // The token itself is not echoed back: it is a credential.
      const { token: _token, ...rest } = spec;
      const status = reviewed
        ? { authenticated: true, user: userInfoJson(reviewed), audiences: asked.length ? asked.filter((a) => audiences.includes(a)) : audiences }
        : { authenticated: false, user: {} };
      return jsonResponse({ ...base, spec: rest, status }, 201);
    }
    default:
      return jsonResponse({ ...base, spec, status: {} }, 201);
  }
}
