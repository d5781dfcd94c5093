/**
 * MemberClient: the one way reconcilers, the Cluster proxy and the agent reach a member
 * cluster's API server. Implementations differ in transport only (direct fetch, the Node-side
 * gateway with full kubeconfig TLS, client-node in the agent); errors are classified the same.
 */

export type MemberErrorKind = 'unreachable' | 'timeout' | 'unauthorized' | 'forbidden' | 'notFound' | 'conflict' | 'invalid' | 'other';

export class MemberError extends Error {
  constructor(
    readonly cluster: string,
    readonly kind: MemberErrorKind,
    message: string,
    readonly status?: number,
    /** The member's own Status body, when it answered with one. */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'MemberError';
  }
}

export function isMemberError(e: unknown, kind?: MemberErrorKind): e is MemberError {
  return e instanceof MemberError && (kind === undefined || e.kind === kind);
}

/** The kind of error an HTTP status from a member means. */
export function memberErrorKind(status: number): MemberErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 422) return 'invalid';
  if (status === 502 || status === 503 || status === 504) return 'unreachable';
  return 'other';
}

export interface MemberRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query on the member, e.g. `/apis/apps/v1/namespaces/default/deployments/nginx?fieldManager=flotilla`. */
  path: string;
  body?: string;
  contentType?: string;
  accept?: string;
  /** Extra headers (Impersonate-User, …) for the proxy. */
  headers?: Record<string, string>;
  /** Every call has a deadline; the implementation's default applies when unset. */
  timeoutMs?: number;
}

export interface MemberResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** How to reach one member: what a Cluster and its Secret say. */
export interface MemberEndpoint {
  cluster: string;
  apiEndpoint: string;
  token?: string;
  /** PEM (decoded from the Secret's caBundle). */
  caBundle?: string;
  insecureSkipTLSVerification?: boolean;
  proxyURL?: string;
  proxyHeader?: Record<string, string>;
}

export interface MemberClient {
  readonly cluster: string;
  /**
   * A Node side watches what this client places in the member and reports its changes, so
   * work status arrives as events; the tick's poll is then only a safety net.
   */
  readonly watched?: boolean;
  /** Sends one request; resolves with any HTTP answer, rejects with MemberError('unreachable' | 'timeout') when none came. */
  request(req: MemberRequest): Promise<MemberResponse>;
}

/** Hands out a client per cluster (cached by the implementation). */
export interface MemberClients {
  forEndpoint(endpoint: MemberEndpoint): MemberClient;
}
