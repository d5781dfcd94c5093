// A small Kubernetes REST client over a kubeconfig, for the cluster commands and the agent.
//
// @kubernetes/client-node reads the kubeconfig (private CA, client certificates, tokens, exec
// plugins, proxy-url); the requests themselves go through node:http(s) so that any path —
// subresources, TokenRequest, server-side apply, watches — is one call, and so that the same
// object is a MemberClient the agent can hand to the execution code.

import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { MemberError, memberErrorKind, type MemberClient, type MemberRequest, type MemberResponse } from '../../shared/member/member-client.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Where a kubeconfig comes from: a file (else $KUBECONFIG, else ~/.kube/config) and a context in it. */
export interface KubeconfigSource {
  kubeconfig?: string | undefined;
  context?: string | undefined;
}

export function loadKubeConfig(src: KubeconfigSource): KubeConfig {
  const kc = new KubeConfig();
  if (src.kubeconfig) kc.loadFromFile(src.kubeconfig);
  else kc.loadFromDefault();
  if (src.context) {
    if (!kc.getContextObject(src.context)) {
      throw new Error(`context ${JSON.stringify(src.context)} is not in ${src.kubeconfig ?? 'the kubeconfig'}`);
    }
    kc.setCurrentContext(src.context);
  }
  if (!kc.getCurrentCluster()) throw new Error(`no cluster for context ${JSON.stringify(kc.getCurrentContext())} in ${src.kubeconfig ?? 'the kubeconfig'}`);
  return kc;
}

/** A refused API call, with the Status the server answered. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export function isKubeApiError(e: unknown, status?: number): e is KubeApiError {
  return e instanceof KubeApiError && (status === undefined || e.status === status);
}

interface Prepared {
  agent: http.Agent;
  headers: Record<string, string>;
}

function statusOf(body: string): { reason?: string; message?: string } | undefined {
  try {
    const parsed = JSON.parse(body) as { kind?: string; reason?: string; message?: string };
    return parsed && parsed.kind === 'Status' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export class KubeClient implements MemberClient {
  readonly server: string;
  private prepared: Promise<Prepared> | undefined;

  constructor(
    readonly kc: KubeConfig,
    /** A name for messages (the cluster, or "control plane"). */
    readonly cluster: string,
    private readonly defaultTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {
    this.server = kc.getCurrentCluster()!.server.replace(/\/+$/, '');
  }

  static from(src: KubeconfigSource, name?: string): KubeClient {
    const kc = loadKubeConfig(src);
    return new KubeClient(kc, name ?? kc.getCurrentContext());
  }

  /** TLS, credentials and proxy from the kubeconfig, worked out once per client. */
  private prepare(): Promise<Prepared> {
    this.prepared ??= (async () => {
      const opts: https.RequestOptions = { headers: {} };
      await this.kc.applyToHTTPSOptions(opts);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = String(v);
      if (opts.auth) headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
      return { agent: opts.agent as http.Agent, headers };
    })();
    return this.prepared;
  }

  private url(path: string): URL {
    return new URL(this.server + (path.startsWith('/') ? path : `/${path}`));
  }

  /** One request; any HTTP answer resolves, no answer rejects with MemberError('unreachable' | 'timeout'). */
  async request(req: MemberRequest): Promise<MemberResponse> {
    const { agent, headers } = await this.prepare();
    const url = this.url(req.path);
    const timeoutMs = req.timeoutMs ?? this.defaultTimeoutMs;
    const all: Record<string, string> = { ...headers, accept: req.accept ?? 'application/json', ...(req.headers ?? {}) };
    if (req.contentType) all['content-type'] = req.contentType;
    // A length, not chunked encoding: some servers refuse a chunked body on DELETE.
    if (req.body !== undefined) all['content-length'] = String(Buffer.byteLength(req.body));
    const mod = url.protocol === 'http:' ? http : https;
    return new Promise<MemberResponse>((resolve, reject) => {
      const r = mod.request(url, { method: req.method, headers: all, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(new MemberError(this.cluster, 'unreachable', `${this.cluster}: ${req.method} ${url.pathname}: ${e.message}`));
        });
      });
      const timer = setTimeout(() => {
        r.destroy();
        reject(new MemberError(this.cluster, 'timeout', `${this.cluster} did not answer ${req.method} ${url.pathname} within ${timeoutMs} ms`));
      }, timeoutMs);
      r.on('error', (e) => {
        clearTimeout(timer);
        reject(new MemberError(this.cluster, 'unreachable', `${this.cluster} is unreachable at ${this.server}: ${e.message}`));
      });
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
  }

  /** A JSON call that must succeed: a non-2xx answer throws KubeApiError with the server's message. */
  async call<T>(method: MemberRequest['method'], path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const res = await this.request({
      method,
      path,
      ...(body !== undefined ? { body: JSON.stringify(body), contentType } : {}),
    });
    if (res.status < 200 || res.status >= 300) {
      const status = statusOf(res.body);
      throw new KubeApiError(
        method,
        path,
        res.status,
        status?.reason ?? memberErrorKind(res.status),
        status?.message ?? `${method} ${path}: HTTP ${res.status}${res.body ? `: ${res.body.slice(0, 200)}` : ''}`,
        status,
      );
    }
    return (res.body ? JSON.parse(res.body) : {}) as T;
  }

  /** The object, or undefined when it does not exist. */
  async get<T>(path: string): Promise<T | undefined> {
    try {
      return await this.call<T>('GET', path);
    } catch (e) {
      if (isKubeApiError(e, 404)) return undefined;
      throw e;
    }
  }

  async list<T>(path: string): Promise<T[]> {
    return (await this.call<{ items?: T[] }>('GET', path)).items ?? [];
  }

  create<T>(collectionPath: string, obj: unknown): Promise<T> {
    return this.call<T>('POST', collectionPath, obj);
  }

  /** Creates the object, or returns the one already there under that name. */
  async ensure<T>(collectionPath: string, obj: { metadata: { name: string; [field: string]: unknown }; [field: string]: unknown }): Promise<{ object: T; created: boolean }> {
    try {
      return { object: await this.create<T>(collectionPath, obj), created: true };
    } catch (e) {
      if (!isKubeApiError(e, 409)) throw e;
      const existing = await this.get<T>(`${collectionPath}/${encodeURIComponent(obj.metadata.name)}`);
      if (!existing) throw e;
      return { object: existing, created: false };
    }
  }

  /** Server-side apply as `fieldManager`; `force` takes over fields other managers own. */
  apply<T>(objectPath: string, obj: unknown, fieldManager: string, force = true): Promise<T> {
    const q = new URLSearchParams({ fieldManager, ...(force ? { force: 'true' } : {}) });
    return this.call<T>('PATCH', `${objectPath}?${q}`, obj, 'application/apply-patch+yaml');
  }

  mergePatch<T>(objectPath: string, patch: unknown): Promise<T> {
    return this.call<T>('PATCH', objectPath, patch, 'application/merge-patch+json');
  }

  /** Deletes; false when there was nothing to delete. */
  async delete(objectPath: string, body?: unknown): Promise<boolean> {
    try {
      await this.call('DELETE', objectPath, body);
      return true;
    } catch (e) {
      if (isKubeApiError(e, 404)) return false;
      throw e;
    }
  }

  /**
   * Streams watch events for `path` (a collection; `resourceVersion` and selectors in its
   * query) until the server ends the watch, `signal` aborts, or no byte arrives for
   * `idleMs`. Resolves when the stream ends; rejects when it could not start.
   */
  async watch<T>(path: string, onEvent: (e: WatchEvent<T>) => void, opts: { signal?: AbortSignal; idleMs?: number } = {}): Promise<void> {
    const { agent, headers } = await this.prepare();
    const sep = path.includes('?') ? '&' : '?';
    const url = this.url(`${path}${sep}watch=true&allowWatchBookmarks=true`);
    const mod = url.protocol === 'http:' ? http : https;
    const idleMs = opts.idleMs ?? 90_000;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(idle);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      let idle = setTimeout(() => r.destroy(), idleMs);
      const onAbort = (): void => {
        r.destroy();
        finish();
      };
      const r = mod.request(url, { method: 'GET', headers: { ...headers, accept: 'application/json' }, agent }, (res) => {
        if ((res.statusCode ?? 0) !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const status = statusOf(body);
            finish(new KubeApiError('GET', path, res.statusCode ?? 0, status?.reason ?? '', status?.message ?? `watch ${path}: HTTP ${res.statusCode}`, status));
          });
          return;
        }
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          clearTimeout(idle);
          idle = setTimeout(() => r.destroy(), idleMs);
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (line) onEvent(JSON.parse(line) as WatchEvent<T>);
          }
        });
        res.on('end', () => finish());
        res.on('error', () => finish());
        res.on('close', () => finish());
      });
      r.on('error', (e) => finish(settled ? undefined : new MemberError(this.cluster, 'unreachable', `${this.cluster}: watch ${url.pathname}: ${e.message}`)));
      opts.signal?.addEventListener('abort', onAbort);
      r.end();
    });
  }
}
