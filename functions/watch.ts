import type { Scope, SelectorOptions, Store, WatchEvent } from '../db/store.js';
import { toServedVersion } from '../shared/conversion/index.js';
import type { KubeObject } from '../shared/object.js';
import { groupVersionString, storageVersionOf, type ResourceType } from '../shared/registry/resource-type.js';
import { ApiError, errors, isApiError } from '../shared/status.js';
import type { IncludeObject } from '../shared/table.js';
import type { ServerContext } from './context.js';
import type { Rendering } from './negotiation.js';
import { renderObject } from './render.js';
import type { FeedEvent, WatchFeed } from './watch-hub.js';

// Objects a fan-out shares between watchers are serialised once for all of them. Plain
// strings keyed by objects nobody mutates: nothing here is a promise, so workerd allows it.
const serialised = new WeakMap<object, string>();

function objectJson(ev: FeedEvent): string {
  if (ev.json !== undefined) return ev.json;
  let json = serialised.get(ev.object);
  if (json === undefined) serialised.set(ev.object, (json = JSON.stringify(ev.object)));
  return json;
}

/** Each watch polls the change log itself: the fallback where no fan-out is wired. */
export function pollingWatchFeed(store: Store, pollMs: number): WatchFeed {
  return { watch: (scope, from, opts) => store.watch(scope, from, { ...opts, pollMs }) };
}

export interface WatchRequest {
  type: ResourceType;
  version: string;
  scope: Scope;
  selectors: SelectorOptions;
  /** "" and "0" replay current objects as ADDED first; a number resumes after that revision. */
  resourceVersion: string;
  allowBookmarks: boolean;
  /** sendInitialEvents=true: end the replay with a BOOKMARK marked k8s.io/initial-events-end. */
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  rendering: Rendering;
  includeObject?: IncludeObject;
  /** The request's own abort signal: the client went away. */
  signal?: AbortSignal;
}

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** Upstream picks a random 30–60 minute lifetime so watches do not all reconnect at once. */
function defaultTimeoutSeconds(): number {
  return 1800 + Math.floor(Math.random() * 1800);
}

/**
 * Serves a watch as newline-delimited JSON events from the context's watch feed: the
 * process's shared change-log reader in Node, a Durable Object holding the watchers in
 * workerd (a request there cannot be handed another request's events). Errors found before
 * the first byte are plain Status responses; later ones are an ERROR event, then the end.
 */
export async function serveWatch(ctx: ServerContext, w: WatchRequest): Promise<Response> {
  const { store } = ctx;
  const rv = w.resourceVersion;
  const replay = rv === '' || rv === '0';
  if (!replay && !/^\d+$/.test(rv)) {
    throw errors.badRequest(`resourceVersion: Invalid value: "${rv}": must be empty, "0" or an integer`);
  }
  let cursor = replay ? 0 : Number(rv);
  if (!replay) {
    const horizon = await store.compactedRevision();
    if (cursor < horizon) throw errors.expired(`too old resource version: ${cursor} (${horizon})`);
  }
  const requested = w.timeoutSeconds ?? defaultTimeoutSeconds();
  const lifetimeMs = Math.max(0, Math.min(requested, ctx.config.watchMaxSeconds)) * 1000;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), lifetimeMs);
  const onClientGone = (): void => abort.abort();
  w.signal?.addEventListener('abort', onClientGone, { once: true });
  const encoder = new TextEncoder();
  let headersSent = false;
  const now = ctx.now;

  const served = (obj: KubeObject): KubeObject => toServedVersion(w.type, obj, w.version);
  const wrap = (obj: KubeObject): unknown => {
    const body = renderObject(w.type, served(obj), w.rendering, {
      now: now(),
      ...(w.includeObject ? { includeObject: w.includeObject } : {}),
      noHeaders: headersSent,
    });
    if (w.rendering.as === 'Table') headersSent = true;
    return body;
  };
  const bookmark = (revision: number, initialEnd = false): unknown => ({
    kind: w.type.kind,
    apiVersion: groupVersionString(w.type.group, w.version),
    metadata: { resourceVersion: String(revision), ...(initialEnd ? { annotations: { [INITIAL_EVENTS_END]: 'true' } } : {}) },
  });

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (type: string, object: unknown): void => {
        controller.enqueue(encoder.encode(`${JSON.stringify({ type, object })}\n`));
      };
      try {
        if (replay) {
          let cont: string | undefined;
          let listRevision = 0;
          do {
            const page = await store.list(w.scope, { ...w.selectors, limit: 500, ...(cont ? { continue: cont } : {}) });
            listRevision = Number(page.resourceVersion);
            for (const obj of page.items) send('ADDED', wrap(obj));
            cont = page.continue;
          } while (cont && !abort.signal.aborted);
          cursor = listRevision;
          if (w.sendInitialEvents && w.allowBookmarks) send('BOOKMARK', bookmark(cursor, true));
        }
        const events = ctx.watchFeed.watch(w.scope, cursor, {
          ...w.selectors,
          signal: abort.signal,
          ...(w.allowBookmarks ? { bookmarkMs: ctx.config.watchBookmarkMs } : {}),
        });
        // The stored form is what the client asked for: relay the object's JSON as it is.
        const verbatim = w.rendering.as === 'object' && !w.type.customResource && w.version === storageVersionOf(w.type);
        for await (const ev of events) {
          if (ev.type === 'BOOKMARK') send('BOOKMARK', bookmark(ev.revision));
          else if (verbatim) controller.enqueue(encoder.encode(`{"type":"${ev.type}","object":${objectJson(ev)}}\n`));
          else send(ev.type, wrap((ev as WatchEvent).object));
        }
      } catch (e) {
        if (!abort.signal.aborted) {
          const status = isApiError(e) ? e.status : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`).status;
          try {
            send('ERROR', status);
          } catch {
            // the client is gone; nothing to tell
          }
        }
      } finally {
        clearTimeout(timer);
        w.signal?.removeEventListener('abort', onClientGone);
        try {
          controller.close();
        } catch {
          // already cancelled by the client
        }
      }
    },
    cancel() {
      abort.abort();
    },
  });

  return new Response(stream, {
    status: 200,
    headers: {
      'Content-Type': 'application/json',
      // Miniflare would gzip the stream and hold events in the compressor's buffer.
      'Content-Encoding': 'identity',
      'Cache-Control': 'no-cache, private',
    },
  });
}
