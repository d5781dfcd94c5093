import type { MiddlewareHandler } from 'hono';
import { impersonatedUser, impersonationChecks, parseImpersonation, type HeaderSource } from '../shared/authn/impersonation.js';
import { isMaster } from '../shared/authn/user.js';
import { requestAttributes } from '../shared/rbac/attributes.js';
import { forbiddenError } from '../shared/rbac/forbidden.js';
import { ApiError } from '../shared/status.js';
import type { AppEnv, ServerContext } from './context.js';
import { statusResponse } from './errors.js';
import type { RequestLimiter } from './limits.js';
import { PolicyCache } from './rbac-policy.js';
import { parseResourcePath } from './request-info.js';
import { securityOf } from './security-context.js';

/** kube-apiserver's --authorization-always-allow-paths default: probes pass whoever asks. */
const ALWAYS_ALLOW = new Set(['/healthz', '/livez', '/readyz']);

/** Impersonate-Group and Impersonate-Extra-* may repeat; Web Headers joins repeats with ", ". */
function headerSource(headers: Headers): HeaderSource {
  return {
    *entries() {
      for (const [name, value] of headers) {
        const n = name.toLowerCase();
        if (n === 'impersonate-group' || n.startsWith('impersonate-extra-')) {
          for (const v of value.split(',')) yield [n, v.trim()] as [string, string];
        } else if (n.startsWith('impersonate-')) {
          yield [n, value];
        }
      }
    },
  };
}

function tooManyRequests(message: string, retryAfterSeconds: number): Response {
  const res = statusResponse(new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds }).status);
  res.headers.set('Retry-After', String(retryAfterSeconds));
  return res;
}

/** Passes the body through and calls `done` once, when it ends or the client goes away. */
function whenBodyEnds(res: Response, done: () => void): Response {
  if (!res.body) {
    done();
    return res;
  }
  const reader = res.body.getReader();
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    done();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done: end, value } = await reader.read();
          if (end) {
            finish();
            controller.close();
          } else {
            controller.enqueue(value);
          }
        } catch (e) {
          finish();
          controller.error(e);
        }
      },
      cancel(reason) {
        finish();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * After authentication: impersonation (each thing asked for needs the `impersonate` verb),
 * the per-user rate limit, RBAC on the request itself, and the per-user watch limit, in
 * kube-apiserver's order. system:masters is exempt from the limits, as upstream's APF
 * exempts it, so the admin can always repair things.
 */
export function authorization(ctx: ServerContext, limiter: RequestLimiter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const security = securityOf(c);
    const policy = security?.policy ?? new PolicyCache(ctx.store);
    let user = c.get('user');
    const url = new URL(c.req.url);
    const parsed = parseResourcePath(url.pathname);
    // Known before impersonation is checked, so a refused impersonation is audited with what it was for.
    if (security) security.attributes = requestAttributes(user, c.req.method, url.pathname, url.searchParams, parsed);
    const impersonation = parseImpersonation(headerSource(c.req.raw.headers));
    if (impersonation) {
      for (const check of impersonationChecks(user, impersonation)) {
        const decision = await policy.authorize(check);
        if (!decision.allowed) {
          if (security) security.decision = decision;
          throw forbiddenError(check, decision.reason);
        }
      }
      user = impersonatedUser(impersonation);
      c.set('user', user);
      if (security) security.impersonated = user;
    }

    const exempt = isMaster(user);
    if (!exempt && limiter.rate) {
      const taken = limiter.rate.take(user.username, ctx.now());
      if (!taken.ok) return tooManyRequests('Too many requests, please try again later.', taken.retryAfterSeconds);
    }

    const attrs = requestAttributes(user, c.req.method, url.pathname, url.searchParams, parsed);
    if (security) security.attributes = attrs;
    if (!(attrs.resourceRequest === false && ALWAYS_ALLOW.has(url.pathname))) {
      const decision = await policy.authorize(attrs);
      if (security) security.decision = decision;
      if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
    }

    if (!(attrs.resourceRequest && attrs.verb === 'watch')) return next();
    if (security) security.longRunning = true;
    if (exempt) return next();
    if (!limiter.watches.acquire(user.username)) {
      return tooManyRequests(
        `Too many requests: user ${JSON.stringify(user.username)} already has ${limiter.maxWatchesPerUser} open watches, the most one user may hold`,
        5,
      );
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      limiter.watches.release(user.username);
    };
    try {
      await next();
    } catch (e) {
      release();
      throw e;
    }
    if (c.error || c.res.status !== 200) release();
    else c.res = whenBodyEnds(c.res, release);
  };
}
