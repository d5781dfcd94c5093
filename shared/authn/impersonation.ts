import { resourceAttributes, type Attributes } from '../rbac/attributes.js';
import { ApiError } from '../status.js';
import {
  ALL_AUTHENTICATED,
  ALL_UNAUTHENTICATED,
  ANONYMOUS_USER,
  serviceAccountGroups,
  serviceAccountUsername,
  splitServiceAccountUsername,
  type UserInfo,
} from './user.js';

export const IMPERSONATE_USER = 'impersonate-user';
export const IMPERSONATE_GROUP = 'impersonate-group';
export const IMPERSONATE_UID = 'impersonate-uid';
export const IMPERSONATE_EXTRA_PREFIX = 'impersonate-extra-';

/** The header values a request carries, read case-insensitively; a repeated header gives several values. */
export interface HeaderSource {
  /** [lower-cased name, value] pairs, repeated headers split into separate values. */
  entries(): Iterable<[string, string]>;
}

export interface ImpersonationRequest {
  user: string;
  groups: string[];
  /** Only when asked for: otherwise the impersonated user has none. */
  uid?: string;
  extra: Record<string, string[]>;
  groupsSpecified: boolean;
}

/**
 * Reads Impersonate-* headers (undefined when there are none). Groups, extras or a uid
 * without a user is a 400: upstream rejects it too (as a 500), since it would change
 * nothing about who acts.
 */
export function parseImpersonation(headers: HeaderSource): ImpersonationRequest | undefined {
  let user: string | undefined;
  const groups: string[] = [];
  let uid: string | undefined;
  const extra: Record<string, string[]> = {};
  let any = false;
  for (const [rawName, value] of headers.entries()) {
    const name = rawName.toLowerCase();
    if (name === IMPERSONATE_USER) {
      any = true;
      if (user === undefined && value !== '') user = value;
    } else if (name === IMPERSONATE_GROUP) {
      any = true;
      groups.push(value);
    } else if (name === IMPERSONATE_UID) {
      any = true;
      if (uid === undefined && value !== '') uid = value;
    } else if (name.startsWith(IMPERSONATE_EXTRA_PREFIX)) {
      any = true;
      let key = name.slice(IMPERSONATE_EXTRA_PREFIX.length);
      try {
        key = decodeURIComponent(key);
      } catch {
        throw new ApiError(400, 'BadRequest', `invalid ${rawName} header: the key is not a valid percent-encoded string`);
      }
      (extra[key] ??= []).push(value);
    }
  }
  if (!any) return undefined;
  if (user === undefined) {
    const asked = [...groups.map((g) => `group ${JSON.stringify(g)}`), ...Object.keys(extra).map((k) => `extra ${JSON.stringify(k)}`)];
    if (uid !== undefined) asked.push(`uid ${JSON.stringify(uid)}`);
    throw new ApiError(400, 'BadRequest', `requested [${asked.join(', ')}] without impersonating a user`);
  }
  return { user, groups, ...(uid !== undefined ? { uid } : {}), extra, groupsSpecified: groups.length > 0 };
}

/**
 * One `impersonate` check per thing asked for, in upstream's order: the user (as a
 * ServiceAccount when it is named like one), each group, each extra value, the uid.
 */
export function impersonationChecks(actor: UserInfo, req: ImpersonationRequest): Attributes[] {
  const checks: Attributes[] = [];
  const sa = splitServiceAccountUsername(req.user);
  if (sa) checks.push(resourceAttributes(actor, { verb: 'impersonate', resource: 'serviceaccounts', namespace: sa.namespace, name: sa.name }));
  else checks.push(resourceAttributes(actor, { verb: 'impersonate', resource: 'users', name: req.user }));
  for (const g of req.groups) checks.push(resourceAttributes(actor, { verb: 'impersonate', resource: 'groups', name: g }));
  for (const [key, values] of Object.entries(req.extra)) {
    for (const v of values) {
      checks.push(resourceAttributes(actor, { verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: key, name: v }));
    }
  }
  if (req.uid !== undefined) checks.push(resourceAttributes(actor, { verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'uids', name: req.uid }));
  return checks;
}

/** The user the request then acts as, with the groups upstream adds. */
export function impersonatedUser(req: ImpersonationRequest): UserInfo {
  const sa = splitServiceAccountUsername(req.user);
  const username = sa ? serviceAccountUsername(sa.namespace, sa.name) : req.user;
  const groups = [...req.groups];
  if (sa && !req.groupsSpecified) groups.push(...serviceAccountGroups(sa.namespace));
  if (username !== ANONYMOUS_USER) {
    if (!groups.includes(ALL_AUTHENTICATED) && !groups.includes(ALL_UNAUTHENTICATED)) groups.push(ALL_AUTHENTICATED);
  } else if (!groups.includes(ALL_UNAUTHENTICATED)) {
    groups.push(ALL_UNAUTHENTICATED);
  }
  return {
    username,
    groups,
    ...(req.uid !== undefined ? { uid: req.uid } : {}),
    ...(Object.keys(req.extra).length ? { extra: req.extra } : {}),
  };
}
