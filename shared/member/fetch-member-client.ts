import { MemberError, type MemberClient, type MemberClients, type MemberEndpoint, type MemberRequest, type MemberResponse } from './member-client.js';

/** What one member call may take before it is given up: a hung member costs a reconcile this much at most. */
export const DEFAULT_MEMBER_TIMEOUT_MS = 10_000;

export type FetchLike = (input: Request) => Promise<Response>;

function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => (out[k] = v));
  return out;
}

/**
 * A MemberClient over the platform's fetch: bearer token and TLS the platform trusts (or plain
 * HTTP). Private CAs, client certificates, proxies and skipped verification need the Node-side
 * gateway, since workerd's fetch can do none of them; `send` lets that gateway reuse this
 * class with its own transport.
 */
export class FetchMemberClient implements MemberClient {
  readonly cluster: string;

  constructor(
    private readonly endpoint: MemberEndpoint,
    private readonly send: FetchLike = (r) => fetch(r),
    private readonly defaultTimeoutMs = DEFAULT_MEMBER_TIMEOUT_MS,
    /** Extra headers every request carries (the gateway's routing headers). */
    private readonly extraHeaders: Record<string, string> = {},
    readonly watched = false,
  ) {
    this.cluster = endpoint.cluster;
  }

  async request(req: MemberRequest): Promise<MemberResponse> {
    const url = new URL(req.path, this.endpoint.apiEndpoint.endsWith('/') ? this.endpoint.apiEndpoint : `${this.endpoint.apiEndpoint}/`);
    // The endpoint may carry a path prefix (a proxy in front of the member): keep it.
    const base = new URL(this.endpoint.apiEndpoint);
    if (base.pathname !== '/' && !url.pathname.startsWith(base.pathname)) url.pathname = base.pathname.replace(/\/$/, '') + url.pathname;
    const headers = new Headers({ accept: req.accept ?? 'application/json', ...this.extraHeaders, ...(req.headers ?? {}) });
    if (this.endpoint.token) headers.set('authorization', `Bearer ${this.endpoint.token}`);
    for (const [k, v] of Object.entries(this.endpoint.proxyHeader ?? {})) headers.set(k, v);
    if (req.contentType) headers.set('content-type', req.contentType);
    const timeoutMs = req.timeoutMs ?? this.defaultTimeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await this.send(
        new Request(url.toString(), { method: req.method, headers, ...(req.body !== undefined ? { body: req.body } : {}), signal: controller.signal }),
      );
      const body = await res.text();
      return { status: res.status, headers: headersOf(res), body };
    } catch (e) {
      if (controller.signal.aborted) {
        throw new MemberError(this.cluster, 'timeout', `cluster ${this.cluster} did not answer ${req.method} ${url.pathname} within ${timeoutMs} ms`);
      }
      throw new MemberError(this.cluster, 'unreachable', `cluster ${this.cluster} is unreachable at ${this.endpoint.apiEndpoint}: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Clients over the platform's fetch, one per endpoint description. */
export class FetchMemberClients implements MemberClients {
  constructor(private readonly send: FetchLike = (r) => fetch(r)) {}
  forEndpoint(endpoint: MemberEndpoint): MemberClient {
    return new FetchMemberClient(endpoint, this.send);
  }
}
