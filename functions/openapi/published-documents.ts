/**
 * The served OpenAPI documents with their ETags, built once per (registry, schemas, version)
 * and kept for the life of the isolate. The documents are rebuilt from the registry and the
 * SchemaSet, so the cache key is what they are built from: the served types' shape and the
 * identity of each definition object (a CRD added or changed brings new objects).
 * Only finished values are kept, never promises (workerd forbids sharing those between requests).
 */
import { documentsFor, type OpenApiDocuments } from '../../shared/openapi/documents.js';
import type { SchemaSet } from '../../shared/openapi/schema.js';
import type { JsonObject } from '../../shared/openapi/v3-document.js';
import type { Registry } from '../../shared/registry/index.js';
import type { ServerContext } from '../context.js';
import { builtinParameters } from './builtin-schemas.js';
import { encodeOpenApiV2 } from './v2-protobuf.js';

/** A rendered document: its bytes and the ETag upstream would give it (SHA-512, upper-case hex). */
export interface PublishedDocument {
  body: string | Uint8Array<ArrayBuffer>;
  etag: string;
}

const MAX_ENTRIES = 2;

const objectIds = new WeakMap<object, number>();
let nextId = 1;
function idOf(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = nextId++));
  return id;
}

function cacheKey(registry: Registry, set: SchemaSet, version: string): string {
  const types = registry.all().map((t) => [t.group, t.versions, t.resource, t.kind, t.namespaced, t.verbs, t.subresources, t.returnDeletedObject]);
  let defs = '';
  for (const [name, def] of Object.entries(set.definitions)) defs += `${name}:${idOf(def)},`;
  return `${version}|${JSON.stringify(types)}|${defs}`;
}

async function etagOf(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-512', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex.toUpperCase();
}

async function publish(body: string | Uint8Array<ArrayBuffer>): Promise<PublishedDocument> {
  return { body, etag: await etagOf(typeof body === 'string' ? new TextEncoder().encode(body) : body) };
}

export class PublishedOpenApi {
  private readonly v3Docs = new Map<string, PublishedDocument>();
  private indexDoc: PublishedDocument | undefined;
  private v2Json: PublishedDocument | undefined;
  private v2Proto: PublishedDocument | undefined;
  private v2Object: JsonObject | undefined;

  constructor(readonly documents: OpenApiDocuments) {}

  /** One /openapi/v3/<path> document, or undefined when nothing is served there. */
  async v3(path: string): Promise<PublishedDocument | undefined> {
    const known = this.v3Docs.get(path);
    if (known) return known;
    const doc = this.documents.v3(path);
    if (!doc) return undefined;
    const published = await publish(JSON.stringify(doc));
    this.v3Docs.set(path, published);
    return published;
  }

  /** /openapi/v3: every document's URL, carrying its hash so clients may cache it for good. */
  async index(): Promise<PublishedDocument> {
    if (this.indexDoc) return this.indexDoc;
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const p of this.documents.paths) {
      const doc = await this.v3(p);
      if (doc) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${doc.etag}` };
    }
    this.indexDoc = await publish(JSON.stringify({ paths }));
    return this.indexDoc;
  }

  async v2(format: 'json' | 'protobuf'): Promise<PublishedDocument> {
    const doc = (this.v2Object ??= this.documents.v2());
    const json = (this.v2Json ??= await publish(JSON.stringify(doc)));
    if (format === 'json') return json;
    // Upstream's protobuf carries the JSON document's ETag: both are the same document.
    return (this.v2Proto ??= { body: await encodeOpenApiV2(doc), etag: json.etag });
  }
}

const published = new Map<string, PublishedOpenApi>();

/** The documents for what `ctx` serves now. */
export async function publishedOpenApi(ctx: ServerContext): Promise<PublishedOpenApi> {
  const set = await ctx.schemas();
  const key = cacheKey(ctx.registry, set, ctx.config.gitVersion);
  const known = published.get(key);
  if (known) {
    // Most recently used last, so the oldest is evicted first.
    published.delete(key);
    published.set(key, known);
    return known;
  }
  const docs = new PublishedOpenApi(documentsFor(ctx.registry, set, { parameters: await builtinParameters(), version: ctx.config.gitVersion }));
  published.set(key, docs);
  while (published.size > MAX_ENTRIES) published.delete(published.keys().next().value!);
  return docs;
}
