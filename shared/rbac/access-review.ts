import type { UserInfo } from '../authn/user.js';
import type { StatusCause } from '../status.js';
import { nonResourceAttributes, resourceAttributes, type Attributes } from './attributes.js';

/** SubjectAccessReviewSpec's attributes, as the API carries them. */
export interface AccessReviewSpec {
  resourceAttributes?: {
    namespace?: string;
    verb?: string;
    group?: string;
    version?: string;
    resource?: string;
    subresource?: string;
    name?: string;
  } | null;
  nonResourceAttributes?: { path?: string; verb?: string } | null;
  user?: string;
  groups?: string[] | null;
  uid?: string;
  extra?: Record<string, string[]> | null;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Upstream's ValidateSubjectAccessReviewSpec on the attributes (and, for SubjectAccessReview, the subject). */
export function validateAccessReviewSpec(spec: unknown, opts: { needsSubject: boolean }): StatusCause[] {
  const causes: StatusCause[] = [];
  const s = isObject(spec) ? spec : {};
  const hasResource = isObject(s.resourceAttributes);
  const hasNonResource = isObject(s.nonResourceAttributes);
  if (hasResource && hasNonResource) {
    causes.push({ type: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', message: 'Invalid value: "object": cannot be specified in combination with resourceAttributes' });
  }
  if (!hasResource && !hasNonResource) {
    causes.push({ type: 'FieldValueInvalid', field: 'spec.resourceAttributes', message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified' });
  }
  if (opts.needsSubject) {
    const groups = Array.isArray(s.groups) ? s.groups : [];
    if (!str(s.user) && groups.length === 0) {
      causes.push({ type: 'FieldValueInvalid', field: 'spec.user', message: 'Invalid value: "": at least one of user or group must be specified' });
    }
  }
  return causes;
}

/** The attributes a review asks about, for `user`. */
export function reviewAttributes(user: UserInfo, spec: AccessReviewSpec): Attributes {
  const r = spec.resourceAttributes;
  if (r) {
    return resourceAttributes(user, {
      verb: str(r.verb),
      apiGroup: str(r.group),
      apiVersion: str(r.version),
      resource: str(r.resource),
      subresource: str(r.subresource),
      namespace: str(r.namespace),
      name: str(r.name),
    });
  }
  const n = spec.nonResourceAttributes ?? {};
  return nonResourceAttributes(user, str(n.verb), str(n.path));
}

/** The subject a SubjectAccessReview names; extras and groups as given. */
export function reviewSubject(spec: AccessReviewSpec): UserInfo {
  const groups = Array.isArray(spec.groups) ? spec.groups.filter((g): g is string => typeof g === 'string') : [];
  const extra: Record<string, string[]> = {};
  if (isObject(spec.extra)) {
    for (const [k, v] of Object.entries(spec.extra)) if (Array.isArray(v)) extra[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return {
    username: str(spec.user),
    groups,
    ...(str(spec.uid) ? { uid: str(spec.uid) } : {}),
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}
