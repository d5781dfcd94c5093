import type { Context, Hono } from 'hono';
import {
  aggregatedDiscovery,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from '../../shared/discovery.js';
import type { AppEnv, ServerContext } from '../context.js';
import { notFoundResponse } from '../errors.js';
import { negotiateDiscovery } from '../negotiation.js';

function json(body: unknown, contentType = 'application/json'): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'Content-Type': contentType, Vary: 'Accept', 'Cache-Control': 'no-cache, private' },
  });
}

/**
 * Discovery: `/api` and `/apis` answer the aggregated APIGroupDiscoveryList when the Accept
 * header asks for it (echoing its parameters in Content-Type, which is how client-go tells
 * the formats apart) and the legacy documents otherwise.
 */
export function registerDiscovery(app: Hono<AppEnv>, ctx: ServerContext): void {
  const root = (which: 'api' | 'apis') => (c: Context<AppEnv>) => {
    const format = negotiateDiscovery(c.req.header('accept'));
    if (format !== 'legacy') {
      return json(
        aggregatedDiscovery(ctx.registry, which, format),
        `application/json;g=apidiscovery.k8s.io;v=${format};as=APIGroupDiscoveryList`,
      );
    }
    return json(which === 'api' ? apiVersions() : apiGroupList(ctx.registry));
  };
  app.get('/api', root('api'));
  app.get('/api/', root('api'));
  app.get('/apis', root('apis'));
  app.get('/apis/', root('apis'));
  app.get('/api/:version', (c) => {
    const doc = apiResourceList(ctx.registry, '', c.req.param('version'));
    return doc ? json(doc) : notFoundResponse();
  });
  app.get('/apis/:group', (c) => {
    const doc = apiGroupDocument(ctx.registry, c.req.param('group'));
    return doc ? json(doc) : notFoundResponse();
  });
  app.get('/apis/:group/:version', (c) => {
    const doc = apiResourceList(ctx.registry, c.req.param('group'), c.req.param('version'));
    return doc ? json(doc) : notFoundResponse();
  });
}
