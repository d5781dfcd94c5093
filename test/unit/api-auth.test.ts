import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './api-helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(root, 'test', 'fixtures', 'protobuf', `${name}.pb`)));
const PROTOBUF = { 'content-type': 'application/vnd.kubernetes.protobuf', accept: 'application/vnd.kubernetes.protobuf,application/json' };

let api: TestApi;
beforeAll(async () => {
  // The protobuf message code is a build output; the generator is a no-op when it is current.
  if (existsSync(join(root, 'cli', 'build', 'protobuf.ts'))) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join('cli', 'build', 'protobuf.ts')], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`protobuf generator failed:\n${r.stdout}\n${r.stderr}`);
  }
  api = await startApi();
}, 300_000);
afterAll(() => api.close());

describe('kubectl imperative commands (protobuf bodies)', () => {
  it('create ns, configmap, deployment, sa answer JSON', async () => {
    const ns = await api.req('POST', '/api/v1/namespaces?fieldManager=kubectl-create&fieldValidation=Strict', fixture('namespace'), PROTOBUF);
    expect(ns.status).toBe(201);
    expect(ns.headers.get('content-type')).toBe('application/json');
    expect(await ns.json()).toMatchObject({ kind: 'Namespace', metadata: { name: 'x' }, status: { phase: 'Active' } });
    const cm = await api.req('POST', '/api/v1/namespaces/default/configmaps', fixture('configmap'), PROTOBUF);
    expect(cm.status).toBe(201);
    expect((await cm.json()).data).toEqual({ a: 'b' });
    const dep = await api.req('POST', '/apis/apps/v1/namespaces/default/deployments', fixture('deployment'), PROTOBUF);
    expect(dep.status).toBe(201);
    const d = await dep.json();
    expect(d.spec.replicas).toBe(2);
    expect(d.metadata.generation).toBe(1);
    const sa = await api.req('POST', '/api/v1/namespaces/default/serviceaccounts', fixture('serviceaccount'), PROTOBUF);
    expect(sa.status).toBe(201);
  });

  it('create token mints a token that authenticates as the ServiceAccount until it is deleted', async () => {
    await api.req('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 's' } }).catch(() => undefined);
    const res = await api.req('POST', '/api/v1/namespaces/default/serviceaccounts/s/token', fixture('token'), PROTOBUF);
    expect(res.status).toBe(201);
    const tr = await res.json();
    expect(tr).toMatchObject({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1' });
    expect(tr.status.token.split('.')).toHaveLength(3);
    expect(tr.status.expirationTimestamp).toMatch(/Z$/);
    const claims = JSON.parse(Buffer.from(tr.status.token.split('.')[1], 'base64url').toString());
    expect(claims.sub).toBe('system:serviceaccount:default:s');
    const whoami = await api.app.request('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      method: 'POST',
      headers: { authorization: `Bearer ${tr.status.token}`, ...PROTOBUF },
      body: fixture('whoami') as BodyInit,
    });
    expect(whoami.status).toBe(201);
    const review = await whoami.json();
    expect(review.status.userInfo).toMatchObject({
      username: 'system:serviceaccount:default:s',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    });
    await api.req('DELETE', '/api/v1/namespaces/default/serviceaccounts/s');
    const revoked = await api.app.request('/api/v1/namespaces', { headers: { authorization: `Bearer ${tr.status.token}` } });
    expect(revoked.status).toBe(401);
  });

  it('token requests for a missing ServiceAccount 404, and too short durations 422', async () => {
    const missing = await api.json('POST', '/api/v1/namespaces/default/serviceaccounts/none/token', { spec: {} });
    expect(missing.status).toBe(404);
    await api.req('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'short' } });
    const short = await api.json('POST', '/api/v1/namespaces/default/serviceaccounts/short/token', { spec: { expirationSeconds: 10 } });
    expect(short.status).toBe(422);
  });

  it('auth can-i and whoami as the admin', async () => {
    const can = await api.req('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', fixture('can-i'), PROTOBUF);
    expect(can.status).toBe(201);
    expect((await can.json()).status).toEqual({ allowed: true });
    const who = await api.req('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', fixture('whoami'), PROTOBUF);
    expect((await who.json()).status.userInfo).toMatchObject({ username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
  });
});

describe('autoscaling v1 and v2 share one storage', () => {
  it('converts targetCPUUtilizationPercentage to metrics and back', async () => {
    const v1 = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
    };
    const created = await api.json('POST', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers', v1);
    expect(created.status).toBe(201);
    expect(created.body.apiVersion).toBe('autoscaling/v1');
    expect(created.body.spec.targetCPUUtilizationPercentage).toBe(70);
    const v2 = (await api.json('GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/h')).body;
    expect(v2.apiVersion).toBe('autoscaling/v2');
    expect(v2.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(v2.spec.targetCPUUtilizationPercentage).toBeUndefined();
    const list = (await api.json('GET', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers')).body;
    expect(list).toMatchObject({ kind: 'HorizontalPodAutoscalerList', apiVersion: 'autoscaling/v1' });
    expect(list.items[0].apiVersion).toBe('autoscaling/v1');
  });
});
