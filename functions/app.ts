import { Hono } from 'hono';
import { PatternRouter } from 'hono/router/pattern-router';
import { createBuiltinRegistry } from '../shared/registry/index.js';
import { auditing } from './audit.js';
import { authentication } from './auth.js';
import { authorization } from './authz.js';
import { MAX_REQUEST_BODY_BYTES } from './body.js';
import type { AppDeps, AppEnv, ServerContext } from './context.js';
import { customResourceRegistry } from './custom-resources.js';
import { errorToResponse, notFoundResponse } from './errors.js';
import { RequestLimiter } from './limits.js';
import { builtinSchemas } from './openapi/builtin-schemas.js';
import { registerCertificateSigningRequests } from './routes/certificate-signing-requests.js';
import { registerClusterProxy } from './routes/cluster-proxy.js';
import { registerDiscovery } from './routes/discovery.js';
import { registerHealth } from './routes/health.js';
import { apiRequestMetrics, registerMetrics } from './routes/metrics.js';
import { registerOpenApi } from './routes/openapi.js';
import { registerPlacement } from './routes/placement.js';
import { registerResources } from './routes/resources.js';
import { KUBERNETES_VERSION, registerVersion } from './routes/version.js';
import { warningHeaders } from './warnings.js';
import { localWatchHub } from './watch-hub.js';

export type { AppConfig, AppDeps, UserInfo } from './context.js';
export { ensureBootstrap } from './bootstrap.js';

/**
 * The Kubernetes API server as a Hono app. Runs unchanged in workerd and Node: the caller
 * brings the Store (libSQL over HTTP or in-process) and the secrets.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const ctx: ServerContext = {
    store: deps.store,
    registry: deps.registry ?? createBuiltinRegistry(),
    now: deps.now ?? Date.now,
    schemas: deps.schemas ?? builtinSchemas,
    ...(deps.waitUntil ? { waitUntil: deps.waitUntil } : {}),
    watchFeed: deps.watchFeed ?? localWatchHub(deps.store, { fallbackPollMs: deps.config.watchPollMs ?? 1000 }),
    config: {
      ...deps.config,
      adminUsername: deps.config.adminUsername ?? 'kubernetes-admin',
      tokenIssuer: deps.config.tokenIssuer ?? 'https://kubernetes.default.svc.cluster.local',
      gitVersion: deps.config.gitVersion ?? KUBERNETES_VERSION,
      watchPollMs: deps.config.watchPollMs ?? 1000,
      watchMaxSeconds: deps.config.watchMaxSeconds ?? 1800,
      watchBookmarkMs: deps.config.watchBookmarkMs ?? 60_000,
      maxRequestBodyBytes: deps.config.maxRequestBodyBytes ?? MAX_REQUEST_BODY_BYTES,
    },
  };
  // The worker builds the app for every request (its store and waitUntil are the request's),
  // so routes must be cheap to add: the pattern router turns each into one regular expression
  // as it is added, where the default router builds both of its matchers on each app's first
  // request (a tenth of a GET's CPU). The linear router refuses our wildcard-with-param routes.
  const app = new Hono<AppEnv>({ strict: false, router: new PatternRouter() });
  app.onError((err) => errorToResponse(err));
  app.notFound(() => notFoundResponse());
  app.use('*', apiRequestMetrics());
  app.use('*', auditing(ctx, deps.audit));
  app.use('*', authentication(ctx));
  app.use('*', authorization(ctx, deps.limiter ?? new RequestLimiter(deps.config.limits)));
  app.use('*', warningHeaders());
  // Per request: built-ins plus the kinds Established CRDs define, in ctx.registry and ctx.schemas.
  app.use('*', customResourceRegistry(ctx));
  registerVersion(app, ctx);
  registerHealth(app, ctx);
  registerMetrics(app, ctx);
  registerDiscovery(app, ctx);
  registerOpenApi(app, ctx);
  registerClusterProxy(app, ctx, deps.memberClients);
  registerCertificateSigningRequests(app);
  registerPlacement(app, ctx);
  registerResources(app, ctx);
  return app;
}
