import type { Hono, MiddlewareHandler } from 'hono';
import { queueGauges } from '../../db/work-queue.js';
import { apiserverMetrics, gaugeText, queueLabels, recordApiRequest, runtimeMetrics } from '../../cron/runtime/metrics.js';
import type { AppEnv, ServerContext } from '../context.js';
import { parseResourcePath } from '../request-info.js';

/** The verb label kube-apiserver's request metrics use (upper case, LIST and WATCH apart, APPLY for server-side apply). */
function metricVerb(method: string, url: URL, named: boolean, watchPath: boolean, contentType: string): string {
  const m = method.toUpperCase();
  const watch = watchPath || url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
  if (m === 'GET' || m === 'HEAD') return watch ? 'WATCH' : named ? 'GET' : 'LIST';
  if (m === 'PATCH' && contentType.startsWith('application/apply-patch')) return 'APPLY';
  return m;
}

/**
 * Counts every request as kube-apiserver's apiserver_request_total and times it as
 * apiserver_request_duration_seconds (for a watch, until its response starts), by verb,
 * group, version, resource, subresource, scope and code. Counters are per isolate.
 */
export function apiRequestMetrics(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const url = new URL(c.req.url);
      const parsed = parseResourcePath(url.pathname);
      const named = Boolean(parsed?.name);
      recordApiRequest({
        verb: metricVerb(c.req.method, url, named, parsed?.watch ?? false, c.req.header('content-type') ?? ''),
        group: parsed?.group ?? '',
        version: parsed?.version ?? '',
        resource: parsed?.resource ?? '',
        subresource: parsed?.subresource ?? '',
        scope: !parsed ? '' : named ? 'resource' : parsed.namespace ? 'namespace' : 'cluster',
        code: c.res?.status ?? 500,
        seconds: (performance.now() - started) / 1000,
      });
    }
  };
}

/**
 * `/metrics` in Prometheus' text format, authorized as kube-apiserver authorizes it (the
 * non-resource URL `/metrics`, which `system:monitoring` grants). Queue gauges come from the
 * database and are global; counters and histograms are this isolate's.
 */
export function registerMetrics(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get('/metrics', async () => {
    const gauges = await queueGauges(ctx.store.client, ctx.now());
    const sample = (pick: (g: (typeof gauges)[number]) => number) => gauges.map((g) => ({ labels: queueLabels(g.reconciler), value: pick(g) }));
    const text = [
      gaugeText('workqueue_depth', 'Current depth of workqueue', sample((g) => g.depth)),
      runtimeMetrics.adds.render(),
      runtimeMetrics.queueDuration.render(),
      runtimeMetrics.workDuration.render(),
      runtimeMetrics.retries.render(),
      gaugeText(
        'workqueue_unfinished_work_seconds',
        'How many seconds of work has been done that is in progress and hasn\'t been observed by work_duration',
        sample((g) => g.unfinishedMs / 1000),
      ),
      gaugeText(
        'workqueue_longest_running_processor_seconds',
        'How many seconds has the longest running processor for workqueue been running',
        sample((g) => g.longestRunningMs / 1000),
      ),
      runtimeMetrics.reconciles.render(),
      runtimeMetrics.reconcileErrors.render(),
      apiserverMetrics.requests.render(),
      apiserverMetrics.duration.render(),
    ].join('\n');
    return new Response(`${text}\n`, { status: 200, headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' } });
  });
}
