import type { Hono } from 'hono';
import type { AppEnv, ServerContext } from '../context.js';

/**
 * `/healthz`, `/livez`, `/readyz` as kube-apiserver answers them: plain "ok", or a check
 * list with `?verbose`. Readiness means the database answers.
 */
export function registerHealth(app: Hono<AppEnv>, ctx: ServerContext): void {
  const respond = async (verbose: boolean, checks: Record<string, () => Promise<void>>): Promise<Response> => {
    const lines: string[] = [];
    let failed = false;
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
        lines.push(`[+]${name} ok`);
      } catch {
        failed = true;
        lines.push(`[-]${name} failed: reason withheld`);
      }
    }
    const headers = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache, private' };
    if (failed) return new Response(`${lines.join('\n')}\n${'healthz'} check failed\n`, { status: 500, headers });
    return new Response(verbose ? `${lines.join('\n')}\nok\n` : 'ok', { status: 200, headers });
  };
  const ping = { ping: async () => undefined };
  const database = { database: async () => void (await ctx.store.currentRevision()) };
  app.get('/healthz', (c) => respond(c.req.query('verbose') !== undefined, ping));
  app.get('/livez', (c) => respond(c.req.query('verbose') !== undefined, ping));
  app.get('/readyz', (c) => respond(c.req.query('verbose') !== undefined, { ...ping, ...database }));
  for (const path of ['/healthz', '/livez', '/readyz'] as const) {
    app.get(`${path}/:check`, async (c) => {
      const all: Record<string, () => Promise<void>> = path === '/readyz' ? { ...ping, ...database } : ping;
      const check = all[c.req.param('check')];
      if (!check) return c.text('404 page not found', 404);
      return respond(false, { [c.req.param('check')]: check });
    });
  }
}
