import { createClient, type Client } from '@libsql/client/web';
import { Store } from '../db/store.js';
import { ControllerManager } from '../cron/manager.js';
import { registryWithCustomResources } from '../db/crd-registry.js';
import { controlPlaneReconcilers } from '../cron/registry.js';
import { isolateResyncState } from '../cron/runtime/resync.js';
import { karmadaPeriodic } from '../cron/karmada/periodic.js';
import { GatewayMemberClients } from '../shared/member/gateway-member-clients.js';
import type { QueueProducer, ReconcileMessage } from '../cron/queue.js';
import { createBuiltinRegistry } from '../shared/registry/index.js';
import { defaultControllerSettings } from '../shared/controller-settings.js';
import { parseFailoverSettings } from '../shared/failover/settings.js';
import { createApp, ensureBootstrap } from './app.js';
import { bindingAuditSink, consoleAuditSink, type AuditBinding } from './audit.js';
import { RequestLimiter } from './limits.js';
import { pollingWatchFeed } from './watch.js';
import { durableObjectWatchFeed, notifyWatchHub, type WatchHubNamespace } from './watch-hub-object.js';
import { handleMemberEvents, isMemberEventsRequest } from './member-events.js';

export { WatchHubObject } from './watch-hub-object.js';

/** The bindings of wrangler.toml (and of the local launcher's Miniflare). */
export interface Env {
  DB_URL: string;
  DB_AUTH_TOKEN?: string;
  ADMIN_TOKEN_SHA256: string;
  TOKEN_SIGNING_KEY: string;
  FLOTILLA_MODE?: string;
  RECONCILE_QUEUE?: QueueProducer;
  /** Under `flotilla up`: the launcher's audit log writer (a Miniflare service binding). Without it, records go to console.log. */
  AUDIT?: AuditBinding;
  /** PEM of the CA clients trust for this API, copied into ServiceAccount token Secrets as ca.crt. */
  CLUSTER_CA_CERT?: string;
  /** Under `flotilla up`: the Node-side member gateway (private CAs, proxies), a Miniflare service binding. */
  MEMBER_GATEWAY?: { fetch(request: Request): Promise<Response> };
  /** The watch fan-out: a Durable Object per resource holding its watchers (functions/watch-hub-object.ts). */
  WATCH_HUB?: WatchHubNamespace;
  /** "true" lets ClusterTaintPolicies add NoExecute taints (Karmada's --allow-no-execute-taint-policy; `up` sets it). */
  ALLOW_NO_EXECUTE_TAINT_POLICY?: string;
  /** JSON of failover settings (shared/failover/settings.ts) from `up`'s flags. */
  FAILOVER_SETTINGS?: string;
}

/** The parts of the Workers runtime objects the handlers use (no dependency on workers-types). */
interface ExecutionContext {
  waitUntil(p: Promise<unknown>): void;
}
interface MessageBatch {
  messages: ReadonlyArray<{ body: unknown }>;
  ackAll(): void;
}

// Pure data, built once per isolate; sharing it between requests shares no promise.
const registry = createBuiltinRegistry();
const fieldsOf = registry.fieldsOf.bind(registry);

function database(env: Env): Client {
  return createClient({ url: env.DB_URL, ...(env.DB_AUTH_TOKEN ? { authToken: env.DB_AUTH_TOKEN } : {}) });
}

/**
 * One Store per invocation: workerd forbids sharing in-flight promises between requests, and
 * the HTTP client holds no connection worth keeping. Every committed write nudges the
 * dispatcher; the nudge is only a hint, the change log is what it reads.
 */
function storeFor(env: Env, ctx: ExecutionContext): Store {
  const queue = env.RECONCILE_QUEUE;
  const hub = env.WATCH_HUB;
  return new Store(database(env), {
    fieldsOf,
    onCommit:
      queue || hub
        ? (change) => {
            if (queue) ctx.waitUntil(queue.send({ kind: 'nudge', revision: change.revision }));
            // Open watches of this resource hear of the commit now; the object's own poll covers a lost one.
            if (hub) ctx.waitUntil(notifyWatchHub(hub, change).catch(() => undefined));
          }
        : undefined,
  });
}

async function managerFor(env: Env, ctx: ExecutionContext): Promise<ControllerManager> {
  const store = storeFor(env, ctx);
  return new ControllerManager({
    store,
    // Reconcilers act on custom resources too (namespace deletion, garbage collection).
    registry: await registryWithCustomResources(store, registry),
    reconcilers: controlPlaneReconcilers,
    queue: env.RECONCILE_QUEUE,
    serviceAccountTokens: { signingKey: env.TOKEN_SIGNING_KEY, ...(env.CLUSTER_CA_CERT ? { caCertPem: env.CLUSTER_CA_CERT } : {}) },
    members: memberClients(env),
    // Resync is a non-durable timer: each isolate remembers when it last ran one.
    resyncState: isolateResyncState,
    settings: { ...defaultControllerSettings, failover: parseFailoverSettings(env.FAILOVER_SETTINGS) },
  });
}

function memberClients(env: Env): GatewayMemberClients {
  const gateway = env.MEMBER_GATEWAY;
  return new GatewayMemberClients(gateway ? (r) => gateway.fetch(r) : undefined);
}

// Rate and watch limits must outlive a request, so they are per isolate: each isolate
// counts its own requests (a Cloudflare deploy runs many; the bound is per isolate).
const limiter = new RequestLimiter();

/**
 * Member events arrive every few milliseconds under load; each used to start its own run of
 * the queues, and a dozen runs side by side polled the change log for one another. One runs
 * per isolate: events that arrive meanwhile only ask it (or the run after it) to look again,
 * since a running pass finds new keys on its next poll and one about to end runs once more.
 */
const eventDispatch = { running: false, again: false };
const EVENT_DISPATCH_BUDGET_MS = 25_000;
function dispatchForEvents(manager: ControllerManager, names: readonly string[], ctx: ExecutionContext): void {
  if (eventDispatch.running) {
    eventDispatch.again = true;
    return;
  }
  eventDispatch.running = true;
  ctx.waitUntil(
    (async () => {
      try {
        let hint: readonly string[] | undefined = names;
        const started = Date.now();
        do {
          eventDispatch.again = false;
          // Within what waitUntil grants after the answer (30 s on Workers); the queue carries on after.
          await manager.dispatch(hint, Math.max(0, EVENT_DISPATCH_BUDGET_MS - (Date.now() - started)));
          hint = undefined;
        } while (eventDispatch.again && Date.now() - started < EVENT_DISPATCH_BUDGET_MS);
      } catch {
        // The keys are durable: the queue's wake messages and the tick pick them up.
      } finally {
        eventDispatch.running = false;
      }
    })(),
  );
}

// Bootstrap is idempotent; remembering success per isolate only saves round trips.
let bootstrapped = false;
async function bootstrap(store: Store): Promise<void> {
  if (bootstrapped) return;
  await ensureBootstrap(store, { registry });
  bootstrapped = true;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    // The Node side's member watches report here (see functions/member-events.ts).
    if (isMemberEventsRequest(request)) {
      const manager = await managerFor(env, ctx);
      return handleMemberEvents(request, env.ADMIN_TOKEN_SHA256, (keys) => manager.enqueueMany(keys), (names) => dispatchForEvents(manager, names, ctx));
    }
    const store = storeFor(env, ctx);
    await bootstrap(store);
    const app = createApp({
      store,
      registry,
      config: {
        adminTokenSha256: env.ADMIN_TOKEN_SHA256,
        tokenSigningKey: env.TOKEN_SIGNING_KEY,
        ...(env.ALLOW_NO_EXECUTE_TAINT_POLICY === 'true' ? { karmadaAdmission: { allowNoExecuteTaintPolicy: true } } : {}),
      },
      waitUntil: (p) => ctx.waitUntil(p),
      memberClients: memberClients(env),
      audit: env.AUDIT ? bindingAuditSink(env.AUDIT) : consoleAuditSink,
      limiter,
      watchFeed: env.WATCH_HUB ? durableObjectWatchFeed(env.WATCH_HUB) : pollingWatchFeed(store, 250),
    });
    return app.fetch(request);
  },

  async queue(batch: MessageBatch, env: Env, ctx: ExecutionContext): Promise<void> {
    const messages = batch.messages.map((m) => m.body as ReconcileMessage);
    await (await managerFor(env, ctx)).onQueue(messages);
    batch.ackAll();
  },

  async scheduled(_event: unknown, env: Env, ctx: ExecutionContext): Promise<void> {
    const store = storeFor(env, ctx);
    await bootstrap(store);
    const manager = await managerFor(env, ctx);
    await manager.onTick();
    await karmadaPeriodic(manager.ctx);
  },
};
