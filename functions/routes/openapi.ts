import type { Context, Hono } from 'hono';
import type { AppEnv, ServerContext } from '../context.js';
import { notFoundResponse } from '../errors.js';
import { parseAccept } from '../negotiation.js';
import { publishedOpenApi, type PublishedDocument } from '../openapi/published-documents.js';

const JSON_TYPE = 'application/json';
/** What /openapi/v2 answers protobuf clients with (the `@` form is the deprecated spelling). */
const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const V2_PROTOBUF_TYPES = new Set([V2_PROTOBUF, 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf']);

type Format = 'json' | 'protobuf';

/**
 * The first Accept clause the server can answer, as kube-openapi's handlers pick it; none is
 * 406. No Accept header means anything.
 */
function negotiate(accept: string | undefined, protobufTypes: ReadonlySet<string>): Format | undefined {
  const ranges = accept ? parseAccept(accept) : [{ type: '*/*', params: {} }];
  for (const r of ranges) {
    if (r.type === JSON_TYPE || r.type === '*/*' || r.type === 'application/*') return 'json';
    if (protobufTypes.has(r.type)) return 'protobuf';
  }
  return undefined;
}

function notAcceptable(): Response {
  return new Response(null, { status: 406, headers: { Vary: 'Accept' } });
}

/** The document, or 304 when the client's copy (If-None-Match) is current. */
function serve(c: Context<AppEnv>, doc: PublishedDocument, contentType: string, extra: Record<string, string> = {}): Response {
  const etag = `"${doc.etag}"`;
  const headers = { ETag: etag, Vary: 'Accept', ...extra };
  const match = c.req.header('if-none-match');
  if (match && match.split(',').some((t) => t.trim() === etag || t.trim() === '*')) return new Response(null, { status: 304, headers });
  return new Response(doc.body, { status: 200, headers: { 'Content-Type': contentType, ...headers } });
}

/**
 * /openapi/v2 and /openapi/v3 as kube-apiserver serves them: v2 as JSON or gnostic protobuf,
 * v3 as an index of per-group-version documents whose URLs carry a content hash. A request
 * for a hash that is no longer current is redirected to the current one; a current hash may
 * be cached for good.
 */
export function registerOpenApi(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get('/openapi/v2', async (c) => {
    const format = negotiate(c.req.header('accept'), V2_PROTOBUF_TYPES);
    if (!format) return notAcceptable();
    const doc = await (await publishedOpenApi(ctx)).v2(format);
    return serve(c, doc, format === 'json' ? JSON_TYPE : V2_PROTOBUF);
  });

  app.get('/openapi/v3', async (c) => serve(c, await (await publishedOpenApi(ctx)).index(), JSON_TYPE));

  app.get('/openapi/v3/*', async (c) => {
    const path = c.req.path.replace(/^\/openapi\/v3\//, '').replace(/\/$/, '');
    // v3 protobuf is not served: only JSON (or anything) is acceptable.
    if (!negotiate(c.req.header('accept'), new Set())) return notAcceptable();
    const published = await publishedOpenApi(ctx);
    const doc = await published.v3(path);
    if (!doc) return notFoundResponse();
    const hash = c.req.query('hash');
    if (hash === undefined || hash === '') return serve(c, doc, JSON_TYPE);
    if (hash !== doc.etag) return c.redirect(`/openapi/v3/${path}?hash=${doc.etag}`, 301);
    const expires = new Date(ctx.now() + 365 * 24 * 3600 * 1000).toUTCString();
    return serve(c, doc, JSON_TYPE, { 'Cache-Control': 'public, immutable', Expires: expires });
  });
}
