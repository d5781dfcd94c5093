import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerManager } from '../../cron/manager.js';
import type { Reconciler } from '../../cron/reconciler.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { startApi, type TestApi } from './api-helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

async function tokenFor(name: string): Promise<string> {
  await api.req('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name } });
  const tr = await api.json('POST', `/api/v1/namespaces/default/serviceaccounts/${name}/token`, { spec: {} });
  return tr.body.status.token as string;
}

/** The value of one sample line, by its exact series. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('serves client-go workqueue, controller-runtime and apiserver metrics in Prometheus text', async () => {
    let n = 0;
    const rec: Reconciler = {
      name: 'metrics-probe',
      keysFor: (c) => (c.key.resource === 'configmaps' ? [c.key.name] : []),
      async reconcile(_ctx, key) {
        if (key === 'bad' && n++ === 0) throw new Error('first try fails');
      },
    };
    const manager = new ControllerManager({ store: api.store, registry: createBuiltinRegistry(), reconcilers: [rec] });
    for (const name of ['good', 'bad']) await api.req('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name } });
    await manager.dispatch();
    await api.req('GET', '/api/v1/namespaces/default/configmaps/good');

    const res = await api.req('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      'workqueue_depth',
      'workqueue_adds_total',
      'workqueue_queue_duration_seconds',
      'workqueue_work_duration_seconds',
      'workqueue_retries_total',
      'workqueue_unfinished_work_seconds',
      'workqueue_longest_running_processor_seconds',
      'controller_runtime_reconcile_total',
      'apiserver_request_total',
      'apiserver_request_duration_seconds',
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    const q = 'controller="metrics-probe",name="metrics-probe"';
    expect(sample(text, `workqueue_adds_total{${q}}`)).toBeGreaterThanOrEqual(2);
    expect(sample(text, `workqueue_retries_total{${q}}`)).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'controller_runtime_reconcile_total{controller="metrics-probe",result="success"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'controller_runtime_reconcile_total{controller="metrics-probe",result="error"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, `workqueue_work_duration_seconds_count{${q}}`)).toBeGreaterThanOrEqual(3);
    expect(
      sample(text, 'apiserver_request_total{verb="GET",group="",version="v1",resource="configmaps",subresource="",scope="resource",component="apiserver",code="200"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'apiserver_request_total{verb="POST",group="",version="v1",resource="configmaps",subresource="",scope="namespace",component="apiserver",code="201"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^apiserver_request_duration_seconds_bucket\{verb="POST",[^}]*resource="configmaps"[^}]*le="\+Inf"\} [1-9]/m);
  });

  it('is allowed as kube-apiserver allows it: the non-resource URL /metrics, through RBAC', async () => {
    const token = await tokenFor('scraper');
    const denied = await api.app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(denied.status).toBe(403);
    await api.req('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'scraper-monitoring' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:monitoring' },
      subjects: [{ kind: 'ServiceAccount', name: 'scraper', namespace: 'default' }],
    });
    const allowed = await api.app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('# TYPE workqueue_depth gauge');
    expect((await api.app.request('/metrics')).status).toBe(401);
  });
});
