import type { UserInfo } from '../authn/user.js';
import type { Attributes } from '../rbac/attributes.js';
import { isMutating } from '../rbac/attributes.js';

/**
 * One audit record, shaped like kube-apiserver's audit.k8s.io/v1 Event at level Metadata:
 * who, what, where and the outcome. Never a request or response body, so never Secret data.
 */
export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: 'Metadata';
  auditID: string;
  stage: 'ResponseComplete' | 'ResponseStarted';
  requestURI: string;
  verb: string;
  user: UserInfo;
  impersonatedUser?: UserInfo;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: {
    resource: string;
    namespace?: string;
    name?: string;
    apiGroup?: string;
    apiVersion?: string;
    subresource?: string;
  };
  responseStatus: { metadata: Record<string, never>; code: number; status?: 'Failure'; reason?: string; message?: string };
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

export interface AuditInput {
  auditID: string;
  /** Path and query, as received. */
  requestURI: string;
  /** The authenticated caller (system:anonymous when there was no token, the empty name when a token failed). */
  authenticated: UserInfo;
  /** Set when the request acted as someone else. */
  impersonated?: UserInfo;
  attributes?: Attributes;
  method: string;
  code: number;
  reason?: string;
  /** Only messages the server wrote itself about access (401/403/429) are kept: others may quote input. */
  message?: string;
  decision?: { allowed: boolean; reason: string };
  receivedAt: number;
  completedAt: number;
  sourceIP?: string;
  userAgent?: string;
  /** A watch or other long-running request: recorded when it starts. */
  longRunning?: boolean;
}

/** The policy: every mutating request and every refused one (401, 403, 429); plain reads that succeed are not kept. */
export function shouldAudit(input: Pick<AuditInput, 'attributes' | 'method' | 'code'>): boolean {
  if (input.code === 401 || input.code === 403 || input.code === 429) return true;
  if (input.attributes) return isMutating(input.attributes);
  return !['GET', 'HEAD', 'OPTIONS'].includes(input.method.toUpperCase());
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/(\.\d{3})Z$/, '$1000Z');
}

const KEEP_MESSAGE = new Set([401, 403, 429]);

export function auditEvent(input: AuditInput): AuditEvent {
  const a = input.attributes;
  const failed = input.code >= 400;
  const ev: AuditEvent = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: input.auditID,
    stage: input.longRunning ? 'ResponseStarted' : 'ResponseComplete',
    requestURI: input.requestURI,
    verb: a?.verb ?? input.method.toLowerCase(),
    user: input.authenticated,
    ...(input.impersonated ? { impersonatedUser: input.impersonated } : {}),
    ...(input.sourceIP ? { sourceIPs: [input.sourceIP] } : {}),
    ...(input.userAgent ? { userAgent: input.userAgent } : {}),
    ...(a?.resourceRequest
      ? {
          objectRef: {
            resource: a.resource,
            ...(a.namespace ? { namespace: a.namespace } : {}),
            ...(a.name ? { name: a.name } : {}),
            ...(a.apiGroup ? { apiGroup: a.apiGroup } : {}),
            ...(a.apiVersion ? { apiVersion: a.apiVersion } : {}),
            ...(a.subresource ? { subresource: a.subresource } : {}),
          },
        }
      : {}),
    responseStatus: {
      metadata: {},
      code: input.code,
      ...(failed ? { status: 'Failure' as const } : {}),
      ...(failed && input.reason ? { reason: input.reason } : {}),
      ...(failed && input.message && KEEP_MESSAGE.has(input.code) ? { message: input.message } : {}),
    },
    requestReceivedTimestamp: iso(input.receivedAt),
    stageTimestamp: iso(input.completedAt),
  };
  if (input.decision) {
    ev.annotations = {
      'authorization.k8s.io/decision': input.decision.allowed ? 'allow' : 'forbid',
      'authorization.k8s.io/reason': input.decision.reason,
    };
  }
  return ev;
}
