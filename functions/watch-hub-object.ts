import { createClient } from '@libsql/client/web';
import { Store, type Change, type Scope, type WatchEvent } from '../db/store.js';
import { ApiError, isApiError, type Status, type StatusReason } from '../shared/status.js';
import { WatchHub, type Bookmark, type FeedEvent, type WatchFeed, type WatchStreamOptions } from './watch-hub.js';

/**
 * The watch fan-out in workerd: a Durable Object per resource holds that resource's change
 * reader (a WatchHub) and every watcher's event stream, because there a request cannot be
 * handed events another request read. Commits announce themselves with a notify request;
 * watch requests subscribe and relay the events to their client.
 *
 * Wire format between the worker and the object: GET /watch answers newline-delimited JSON,
 * one `{type, revision, object}` per event (BOOKMARK without object, ERROR with a Status);
 * POST /notify?revision=N wakes the reader.
 */

/** What the object needs of a Durable Object stub and namespace (no dependency on workers-types). */
export interface WatchHubStub {
  fetch(input: string, init?: RequestInit): Promise<Response>;
}
export interface WatchHubNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): WatchHubStub;
}

interface WatchHubEnv {
  DB_URL: string;
  DB_AUTH_TOKEN?: string;
}

const ORIGIN = 'https://watch-hub';
/** `{"type":T,"revision":N` then `,"object":…}` for events; anything else is an ERROR line. */
const EVENT_HEAD = /^\{"type":"(ADDED|MODIFIED|DELETED|BOOKMARK)","revision":(\d+)(?:,"object":|\}$)/;

function stubFor(ns: WatchHubNamespace, group: string, resource: string): WatchHubStub {
  return ns.get(ns.idFromName(`${group}/${resource}`));
}

/** Tells the resource's object that `change` committed; its watchers see it within milliseconds. */
export async function notifyWatchHub(ns: WatchHubNamespace, change: Change): Promise<void> {
  const q = new URLSearchParams({ group: change.key.group, resource: change.key.resource, revision: String(change.revision) });
  const res = await stubFor(ns, change.key.group, change.key.resource).fetch(`${ORIGIN}/notify?${q}`, { method: 'POST' });
  await res.body?.cancel();
}

function selectorParam(v: WatchStreamOptions['labelSelector'] | WatchStreamOptions['fieldSelector']): string | undefined {
  // Requirement arrays are in-process only; a request carries selector strings.
  return typeof v === 'string' && v ? v : undefined;
}

/** The worker's side: each watch subscribes to its resource's object and reads its events. */
export function durableObjectWatchFeed(ns: WatchHubNamespace): WatchFeed {
  return {
    async *watch(scope: Scope, from: number, opts: WatchStreamOptions): AsyncGenerator<FeedEvent | Bookmark> {
      const q = new URLSearchParams({ group: scope.group, resource: scope.resource, from: String(from) });
      if (scope.namespace !== undefined) q.set('namespace', scope.namespace);
      const label = selectorParam(opts.labelSelector);
      const field = selectorParam(opts.fieldSelector);
      if (label) q.set('labelSelector', label);
      if (field) q.set('fieldSelector', field);
      if (opts.bookmarkMs !== undefined) q.set('bookmarkMs', String(opts.bookmarkMs));
      const res = await stubFor(ns, scope.group, scope.resource).fetch(`${ORIGIN}/watch?${q}`, opts.signal ? { signal: opts.signal } : {});
      if (!res.ok || !res.body) throw new ApiError(500, 'InternalError', `Internal error occurred: the watch hub answered ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const cancel = (): void => void reader.cancel().catch(() => undefined);
      opts.signal?.addEventListener('abort', cancel, { once: true });
      let buf = '';
      try {
        while (!opts.signal?.aborted) {
          const { done, value } = await reader.read();
          if (done) return;
          buf += value;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (!line) continue;
            // Events are read from their fixed prefix; the object is parsed only if the watch
            // needs it (a Table, another version), else its text is relayed as it came.
            const head = EVENT_HEAD.exec(line);
            if (!head) {
              const ev = JSON.parse(line) as { type: string; object?: unknown };
              const s = (ev.object ?? {}) as Status;
              throw new ApiError(s.code ?? 500, (s.reason ?? 'InternalError') as StatusReason, s.message ?? 'watch failed', s.details);
            }
            const revision = Number(head[2]);
            if (head[1] === 'BOOKMARK') {
              yield { type: 'BOOKMARK', revision };
              continue;
            }
            const json = line.slice(head[0].length, -1);
            let parsed: WatchEvent['object'] | undefined;
            yield {
              type: head[1] as WatchEvent['type'],
              revision,
              json,
              get object() {
                return (parsed ??= JSON.parse(json) as WatchEvent['object']);
              },
            };
          }
        }
      } finally {
        opts.signal?.removeEventListener('abort', cancel);
        cancel();
      }
    },
  };
}

/** The Durable Object class (exported by the worker's entry; bound as WATCH_HUB). */
export class WatchHubObject {
  private hub?: WatchHub;
  private readonly store: Store;
  // One serialisation per event however many watchers relay it (the hub shares parsed objects).
  private readonly serialised = new WeakMap<object, string>();

  constructor(_state: unknown, env: WatchHubEnv) {
    this.store = new Store(createClient({ url: env.DB_URL, ...(env.DB_AUTH_TOKEN ? { authToken: env.DB_AUTH_TOKEN } : {}) }));
  }

  private hubFor(group: string, resource: string): WatchHub {
    this.hub ??= new WatchHub(this.store, { resource: { group, resource } });
    return this.hub;
  }

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const q = url.searchParams;
    const group = q.get('group') ?? '';
    const resource = q.get('resource') ?? '';
    const hub = this.hubFor(group, resource);
    if (url.pathname === '/notify') {
      const rev = Number(q.get('revision'));
      hub.notify(Number.isFinite(rev) ? rev : undefined);
      return new Response(null, { status: 204 });
    }
    if (url.pathname !== '/watch') return new Response('not found', { status: 404 });
    const scope: Scope = { group, resource, ...(q.has('namespace') ? { namespace: q.get('namespace')! } : {}) };
    const bookmarkMs = q.get('bookmarkMs');
    const abort = new AbortController();
    const events = hub.watch(scope, Number(q.get('from') ?? 0), {
      ...(q.get('labelSelector') ? { labelSelector: q.get('labelSelector')! } : {}),
      ...(q.get('fieldSelector') ? { fieldSelector: q.get('fieldSelector')! } : {}),
      ...(bookmarkMs !== null ? { bookmarkMs: Number(bookmarkMs) } : {}),
      signal: abort.signal,
    })[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    const line = (ev: WatchEvent | Bookmark): string => {
      if (ev.type === 'BOOKMARK') return `{"type":"BOOKMARK","revision":${ev.revision}}\n`;
      let object = this.serialised.get(ev.object);
      if (object === undefined) this.serialised.set(ev.object, (object = JSON.stringify(ev.object)));
      return `{"type":"${ev.type}","revision":${ev.revision},"object":${object}}\n`;
    };
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            const next = await events.next();
            if (next.done) controller.close();
            else controller.enqueue(encoder.encode(line(next.value)));
          } catch (e) {
            const status = isApiError(e) ? e.status : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`).status;
            controller.enqueue(encoder.encode(`${JSON.stringify({ type: 'ERROR', object: status })}\n`));
            controller.close();
          }
        },
        async cancel() {
          abort.abort();
          await events.return?.(undefined);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { headers: { 'content-type': 'application/x-ndjson' } });
  }
}
