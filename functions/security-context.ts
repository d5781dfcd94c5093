import type { Decision } from '../shared/rbac/authorizer.js';
import type { Attributes } from '../shared/rbac/attributes.js';
import type { UserInfo } from '../shared/authn/user.js';
import type { PolicyCache } from './rbac-policy.js';

/**
 * What the security middleware learns about one request, for the audit record written when
 * it ends and for handlers (reviews) that evaluate RBAC again. Set first by the audit
 * middleware, filled in by authentication and authorization.
 */
export interface RequestSecurity {
  auditID: string;
  receivedAt: number;
  policy: PolicyCache;
  /** Who the credential belongs to. */
  authenticated?: UserInfo;
  /** Who the request acts as, when it impersonates. */
  impersonated?: UserInfo;
  attributes?: Attributes;
  decision?: Decision;
  /** A long-running request (watch): the audit record is written when its response starts. */
  longRunning?: boolean;
}

/** The request's security record; undefined only for an app assembled without the audit middleware. */
export function securityOf(c: { get(key: 'security'): RequestSecurity }): RequestSecurity | undefined {
  return c.get('security') as RequestSecurity | undefined;
}
