import type { MiddlewareHandler } from 'hono';
import { auditEvent, shouldAudit, type AuditEvent } from '../shared/audit/event.js';
import type { AppEnv, ServerContext } from './context.js';
import { PolicyCache } from './rbac-policy.js';
import type { RequestSecurity } from './security-context.js';

/** Where audit records go. One call per request, with that request's records. */
export interface AuditSink {
  write(events: AuditEvent[]): Promise<void>;
}

/**
 * Cloudflare without a file to write: one JSON line per record on stdout, which Workers Logs
 * and Logpush collect.
 */
export const consoleAuditSink: AuditSink = {
  async write(events) {
    for (const e of events) console.log(JSON.stringify(e));
  },
};

/** The part of a service binding (Fetcher) the sink uses. */
export interface AuditBinding {
  fetch(input: string, init?: RequestInit): Promise<Response>;
}

/**
 * Under `flotilla up`: the worker cannot write files, so records go as JSON lines to the
 * `AUDIT` service binding, whose handler runs in the launcher's Node process and appends
 * them to DIR/audit/audit.log (cli/launcher/audit-sink.ts).
 */
export function bindingAuditSink(binding: AuditBinding): AuditSink {
  return {
    async write(events) {
      const res = await binding.fetch('http://audit/append', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-ndjson' },
        body: events.map((e) => JSON.stringify(e)).join('\n') + '\n',
      });
      if (!res.ok) throw new Error(`audit sink answered ${res.status}`);
      await res.body?.cancel();
    },
  };
}

/** Records that collect in memory, for tests and for embedding. */
export class MemoryAuditSink implements AuditSink {
  readonly events: AuditEvent[] = [];
  async write(events: AuditEvent[]): Promise<void> {
    this.events.push(...events);
  }
}

const CLIENT_AUDIT_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The outermost middleware: gives the request its audit ID (a client's Audit-ID header is
 * kept, as upstream does, when it is a plain token) and, once the response is known, writes
 * one record for every mutating or refused request. Without ctx.waitUntil the write is
 * awaited; a failing sink is reported on stderr and never fails the request.
 */
export function auditing(ctx: ServerContext, sink: AuditSink | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header('audit-id');
    const security: RequestSecurity = {
      auditID: given && CLIENT_AUDIT_ID.test(given) ? given : crypto.randomUUID(),
      receivedAt: ctx.now(),
      policy: new PolicyCache(ctx.store),
    };
    c.set('security', security);
    await next();
    try {
      c.res.headers.set('Audit-Id', security.auditID);
    } catch {
      // immutable headers (a proxied response): the ID is still in the record
    }
    if (!sink) return;
    const code = c.res.status;
    if (!shouldAudit({ attributes: security.attributes, method: c.req.method, code })) return;
    let status: { reason?: string; message?: string } = {};
    if (code >= 400 && (c.res.headers.get('content-type') ?? '').includes('json')) {
      try {
        status = (await c.res.clone().json()) as { reason?: string; message?: string };
      } catch {
        // not a Status body
      }
    }
    const url = new URL(c.req.url);
    const event = auditEvent({
      auditID: security.auditID,
      requestURI: url.pathname + url.search,
      authenticated: security.authenticated ?? { username: '', groups: [] },
      ...(security.impersonated ? { impersonated: security.impersonated } : {}),
      ...(security.attributes ? { attributes: security.attributes } : {}),
      method: c.req.method,
      code,
      ...(typeof status.reason === 'string' ? { reason: status.reason } : {}),
      ...(typeof status.message === 'string' ? { message: status.message } : {}),
      ...(security.decision ? { decision: security.decision } : {}),
      receivedAt: security.receivedAt,
      completedAt: ctx.now(),
      ...(c.req.header('cf-connecting-ip') ? { sourceIP: c.req.header('cf-connecting-ip')! } : {}),
      ...(c.req.header('user-agent') ? { userAgent: c.req.header('user-agent')! } : {}),
      ...(security.longRunning ? { longRunning: true } : {}),
    });
    const written = sink.write([event]).catch((e: unknown) => console.error(`audit: writing a record failed: ${(e as Error).message}`));
    if (ctx.waitUntil) ctx.waitUntil(written);
    else await written;
  };
}
