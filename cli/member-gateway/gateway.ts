// The member gateway: the Node side of MemberClient for members whose credentials workerd's
// fetch cannot use (a private CA, skipped verification, a proxy). The worker reaches it as a
// Miniflare service binding; each request names its member in a header, so the gateway
// keeps nothing but connection pools.

import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { decodeGatewayEndpoint, GATEWAY_ENDPOINT_HEADER, GATEWAY_TIMEOUT_HEADER } from '../../shared/member/gateway-protocol.js';
import type { MemberEndpoint } from '../../shared/member/member-client.js';
import { DEFAULT_MEMBER_TIMEOUT_MS } from '../../shared/member/fetch-member-client.js';
import { MemberWatches, type MemberEventsSink, type MemberRoute, type OpenedStream } from './member-watches.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', GATEWAY_ENDPOINT_HEADER, GATEWAY_TIMEOUT_HEADER, 'content-length']);

export interface MemberGateway {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /**
   * Starts the member watches: from now on, the members and kinds this gateway's traffic
   * shows in use are watched, and their events reach `sink` (the worker's member-events route).
   */
  watchMembers(sink: MemberEventsSink, onError?: (message: string) => void): void;
  /** Stops the member watches (and their posts); requests keep flowing until close(). */
  stopWatching(): void;
  /** The watches running now (diagnostics, tests). */
  watches(): Array<{ cluster: string; collection: string; connected: boolean }>;
  close(): void;
}

export interface MemberGatewayOptions {
  /** A watch no traffic renews for this long stops (default 5 min). */
  watchIdleMs?: number;
}

function agentKey(e: MemberEndpoint): string {
  return createHash('sha256').update(JSON.stringify([e.apiEndpoint, e.caBundle ?? '', e.insecureSkipTLSVerification ?? false, e.proxyURL ?? ''])).digest('hex');
}

/** An https agent that tunnels through an HTTP proxy with CONNECT, as client-go does for proxy-url. */
function proxiedAgent(e: MemberEndpoint, target: URL): HttpsAgent {
  const proxy = new URL(e.proxyURL!);
  const agent = new HttpsAgent({ keepAlive: true, ...(e.caBundle ? { ca: e.caBundle } : {}), rejectUnauthorized: !e.insecureSkipTLSVerification });
  // Node's Agent lets us supply the socket: open the tunnel, then TLS over it.
  (agent as unknown as { createConnection: (opts: Record<string, unknown>, cb: (err: Error | null, s?: unknown) => void) => void }).createConnection = (opts, cb) => {
    const port = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
    const raw = proxy.protocol === 'https:' ? tlsConnect({ host: proxy.hostname, port, servername: proxy.hostname }) : netConnect({ host: proxy.hostname, port });
    const hostPort = `${target.hostname}:${target.port || 443}`;
    raw.once('error', (err) => cb(err));
    raw.once(proxy.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      const auth = proxy.username ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n` : '';
      raw.write(`CONNECT ${hostPort} HTTP/1.1\r\nHost: ${hostPort}\r\n${auth}\r\n`);
      raw.once('data', (chunk: Buffer) => {
        if (!/^HTTP\/1\.[01] 200/.test(chunk.toString('latin1'))) {
          cb(new Error(`proxy ${proxy.host} refused the tunnel: ${chunk.toString('latin1').split('\r\n')[0]}`));
          raw.destroy();
          return;
        }
        const tls = tlsConnect({ socket: raw, servername: String(opts.servername ?? target.hostname), ...(e.caBundle ? { ca: e.caBundle } : {}), rejectUnauthorized: !e.insecureSkipTLSVerification });
        tls.once('secureConnect', () => cb(null, tls));
        tls.once('error', (err) => cb(err));
      });
    });
  };
  return agent;
}

function newAgent(e: MemberEndpoint, target: URL, maxSockets: number): HttpsAgent | HttpAgent {
  if (e.proxyURL && target.protocol === 'https:') return proxiedAgent(e, target);
  if (target.protocol === 'https:') return new HttpsAgent({ keepAlive: true, maxSockets, ...(e.caBundle ? { ca: e.caBundle } : {}), rejectUnauthorized: !e.insecureSkipTLSVerification });
  return new HttpAgent({ keepAlive: true, maxSockets });
}

function memberUrl(e: MemberEndpoint, pathAndQuery: string): URL {
  const incoming = new URL(pathAndQuery, 'http://gateway');
  const base = new URL(e.apiEndpoint);
  const target = new URL(base.toString());
  target.pathname = base.pathname.replace(/\/$/, '') + incoming.pathname;
  target.search = incoming.search;
  return target;
}

export function createMemberGateway(options: MemberGatewayOptions = {}): MemberGateway {
  const agents = new Map<string, HttpsAgent | HttpAgent>();
  // Watches hold their connection for as long as they live: a pool of their own, unbounded,
  // so they never starve the request pool (16 sockets per member).
  const watchAgents = new Map<string, HttpsAgent | HttpAgent>();
  const pooled = (pool: Map<string, HttpsAgent | HttpAgent>, max: number) => (e: MemberEndpoint, target: URL): HttpsAgent | HttpAgent => {
    const key = agentKey(e);
    let agent = pool.get(key);
    if (!agent) {
      agent = newAgent(e, target, max);
      pool.set(key, agent);
    }
    return agent;
  };
  const agentFor = pooled(agents, 16);
  const watchAgentFor = pooled(watchAgents, Infinity);

  const openMember = (route: MemberRoute, pathAndQuery: string, signal: AbortSignal): Promise<OpenedStream> =>
    new Promise((resolve, reject) => {
      const target = memberUrl(route.endpoint, pathAndQuery);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (route.authorization) headers.authorization = route.authorization;
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const out = send(target, { method: 'GET', headers, agent: watchAgentFor(route.endpoint, target), signal }, (upstream) => {
        resolve({ status: upstream.statusCode ?? 502, body: upstream });
      });
      out.on('error', reject);
      out.end();
    });
  let memberWatchesErrors: ((message: string) => void) | undefined;
  const memberWatches = new MemberWatches({ open: openMember, onError: (m) => memberWatchesErrors?.(m), ...(options.watchIdleMs ? { idleMs: options.watchIdleMs } : {}) });

  const fail = (res: ServerResponse, status: number, message: string): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: status === 504 ? 'Timeout' : 'ServiceUnavailable', code: status }));
  };

  return {
    async handle(req, res) {
      const header = req.headers[GATEWAY_ENDPOINT_HEADER];
      if (typeof header !== 'string') return fail(res, 400, `the gateway needs the ${GATEWAY_ENDPOINT_HEADER} header`);
      let endpoint: MemberEndpoint;
      try {
        endpoint = decodeGatewayEndpoint(header);
      } catch {
        return fail(res, 400, `the ${GATEWAY_ENDPOINT_HEADER} header does not decode`);
      }
      const timeoutMs = Number(req.headers[GATEWAY_TIMEOUT_HEADER] ?? DEFAULT_MEMBER_TIMEOUT_MS) || DEFAULT_MEMBER_TIMEOUT_MS;
      const target = memberUrl(endpoint, req.url ?? '/');
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
      const body = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => resolve(Buffer.concat(chunks)));
        req.on('error', reject);
      });
      if (body.length) headers['content-length'] = String(body.length);
      await new Promise<void>((resolve) => {
        const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
        const out = send(target, { method: req.method, headers, agent: agentFor(endpoint, target), timeout: timeoutMs }, (upstream) => {
          const h: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(upstream.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) h[k] = v;
          res.writeHead(upstream.statusCode ?? 502, h);
          const code = upstream.statusCode ?? 502;
          if (code >= 200 && code < 300) memberWatches.observe({ endpoint, ...(typeof req.headers.authorization === 'string' ? { authorization: req.headers.authorization } : {}) }, req.method ?? 'GET', req.url ?? '/');
          upstream.pipe(res);
          upstream.on('end', resolve);
          upstream.on('error', () => {
            res.destroy();
            resolve();
          });
        });
        out.on('timeout', () => out.destroy(new Error('timeout')));
        out.on('error', (err) => {
          fail(res, err.message === 'timeout' ? 504 : 502, `cluster ${endpoint.cluster}: ${err.message === 'timeout' ? `no answer within ${timeoutMs} ms` : err.message}`);
          resolve();
        });
        out.end(body);
      });
    },
    watchMembers(sink, onError) {
      if (onError) memberWatchesErrors = onError;
      memberWatches.deliverTo(sink);
    },
    stopWatching() {
      memberWatches.close();
    },
    watches() {
      return memberWatches.active();
    },
    close() {
      memberWatches.close();
      for (const pool of [agents, watchAgents]) {
        for (const a of pool.values()) a.destroy();
        pool.clear();
      }
    },
  };
}
