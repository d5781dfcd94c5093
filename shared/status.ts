import { z } from 'zod';

/** metav1.StatusCause: one field-level reason, as kube-apiserver reports them for 422s. */
export const statusCauseSchema = z.object({
  type: z.string().optional(),
  message: z.string().optional(),
  field: z.string().optional(),
});
export type StatusCause = z.infer<typeof statusCauseSchema>;

export const statusSchema = z.object({
  kind: z.literal('Status'),
  apiVersion: z.literal('v1'),
  metadata: z.object({}).passthrough(),
  status: z.enum(['Success', 'Failure']),
  message: z.string().optional(),
  reason: z.string().optional(),
  details: z
    .object({
      name: z.string().optional(),
      group: z.string().optional(),
      kind: z.string().optional(),
      uid: z.string().optional(),
      causes: z.array(statusCauseSchema).optional(),
      retryAfterSeconds: z.number().optional(),
    })
    .optional(),
  code: z.number(),
});
export type Status = z.infer<typeof statusSchema>;

/** kube-apiserver's StatusReason values, keyed by the HTTP code they travel with. */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface ResourceRef {
  group: string;
  /** The plural resource ("deployments"); kube-apiserver names it in messages as resource.group. */
  resource: string;
  name?: string;
}

/**
 * The one error type every layer throws. It carries a complete Status, so the HTTP layer
 * only serialises it and the store, admission and patch code can each say precisely what
 * went wrong in kube-apiserver's own words.
 */
export class ApiError extends Error {
  readonly status: Status;
  constructor(code: number, reason: StatusReason, message: string, details?: Status['details']) {
    super(message);
    this.name = 'ApiError';
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    };
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

/** "deployments.apps" / "pods": how kube-apiserver qualifies a resource in messages. */
export function qualifiedResource(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

function details(ref: ResourceRef): NonNullable<Status['details']> {
  return {
    ...(ref.name !== undefined ? { name: ref.name } : {}),
    ...(ref.group ? { group: ref.group } : {}),
    kind: ref.resource,
  };
}

export const errors = {
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  unauthorized: (message = 'Unauthorized') => new ApiError(401, 'Unauthorized', message),
  forbidden: (message: string) => new ApiError(403, 'Forbidden', message),
  notFound: (ref: ResourceRef) =>
    new ApiError(404, 'NotFound', `${qualifiedResource(ref)} "${ref.name ?? ''}" not found`, details(ref)),
  methodNotAllowed: (message: string) => new ApiError(405, 'MethodNotAllowed', message),
  alreadyExists: (ref: ResourceRef) =>
    new ApiError(409, 'AlreadyExists', `${qualifiedResource(ref)} "${ref.name ?? ''}" already exists`, details(ref)),
  conflict: (ref: ResourceRef, why: string) =>
    new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${ref.name ?? ''}": ${why}`,
      details(ref),
    ),
  /** 410 for a watch or continue token below the compaction horizon; clients re-list. */
  expired: (message: string) => new ApiError(410, 'Expired', message),
  gone: (message: string) => new ApiError(410, 'Gone', message),
  tooLarge: (message: string) => new ApiError(413, 'RequestEntityTooLarge', message),
  unsupportedMediaType: (contentType: string) =>
    new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/json-patch+json, application/merge-patch+json (got ${contentType})`),
  /**
   * 422 as upstream's NewInvalid: the message qualifies the kind with its group
   * ("Deployment.apps") and brackets several causes, details carry the bare kind.
   */
  invalid: (ref: ResourceRef & { kind: string }, causes: StatusCause[]) => {
    const messages = causes.map((c) => `${c.field ? `${c.field}: ` : ''}${c.message ?? ''}`);
    const aggregated = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
    const qualifiedKind = ref.group ? `${ref.kind}.${ref.group}` : ref.kind;
    return new ApiError(
      422,
      'Invalid',
      messages.length ? `${qualifiedKind} "${ref.name ?? ''}" is invalid: ${aggregated}` : `${qualifiedKind} "${ref.name ?? ''}" is invalid`,
      { ...details(ref), kind: ref.kind, causes },
    );
  },
  tooManyRequests: (message: string, retryAfterSeconds: number) =>
    new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds }),
  internal: (message: string) => new ApiError(500, 'InternalError', message),
};

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
