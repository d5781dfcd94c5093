import { createClient, type Client } from '@libsql/client/web';
import { Store } from '../db/store.js';
import { ControllerManager } from '../cron/manager.js';
import { reconcilers } from '../cron/registry.js';
import type { QueueProducer, ReconcileMessage } from '../cron/queue.js';
import { createBuiltinRegistry } from '../shared/registry/index.js';
import { createApp, ensureBootstrap } from './app.js';

/** The bindings of wrangler.toml (and of the local launcher's Miniflare). */
export interface Env {
  DB_URL: string;
  DB_AUTH_TOKEN?: string;
  ADMIN_TOKEN_SHA256: string;
  TOKEN_SIGNING_KEY: string;
  FLOTILLA_MODE?: string;
  RECONCILE_QUEUE?: QueueProducer;
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
  return new Store(database(env), {
    fieldsOf,
    onCommit: queue ? (change) => ctx.waitUntil(queue.send({ kind: 'nudge', revision: change.revision })) : undefined,
  });
}

function managerFor(env: Env, ctx: ExecutionContext): ControllerManager {
  return new ControllerManager({ store: storeFor(env, ctx), registry, reconcilers, queue: env.RECONCILE_QUEUE });
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
    const store = storeFor(env, ctx);
    await bootstrap(store);
    const app = createApp({
      store,
      registry,
      config: { adminTokenSha256: env.ADMIN_TOKEN_SHA256, tokenSigningKey: env.TOKEN_SIGNING_KEY },
    });
    return app.fetch(request);
  },

  async queue(batch: MessageBatch, env: Env, ctx: ExecutionContext): Promise<void> {
    const messages = batch.messages.map((m) => m.body as ReconcileMessage);
    await managerFor(env, ctx).onQueue(messages);
    batch.ackAll();
  },

  async scheduled(_event: unknown, env: Env, ctx: ExecutionContext): Promise<void> {
    const store = storeFor(env, ctx);
    await bootstrap(store);
    await managerFor(env, ctx).onTick();
  },
};
