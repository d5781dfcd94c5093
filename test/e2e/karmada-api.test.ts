import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/karmada-e2e.js';
import { kubectlOk, startControlPlane, type ControlPlane } from '../helpers/control-plane.js';

/**
 * A Karmada user's manifests with the real kubectl: applied unchanged (with client-side
 * validation on, against the OpenAPI the server publishes), printed with Karmada's columns,
 * explained from the field docs, and refused with the field named when they are wrong.
 */
describe('Karmada’s API with kubectl', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(async () => {
    await cp?.stop();
  });

  const k = (...args: string[]) => kubectlOk(cp, args);
  /** The header line of a `kubectl get`, as its columns. */
  const header = (out: string) => out.split('\n')[0]!.trim().split(/\s+/);

  it('applies the samples unchanged', async () => {
    expect(await k('apply', '-f', 'samples/clusters/member1.yaml')).toContain('cluster.cluster.karmada.io/member1 created');
    expect(await k('apply', '-f', 'samples/nginx/deployment.yaml')).toContain('deployment.apps/nginx created');
    expect(await k('apply', '-f', 'samples/nginx/propagationpolicy.yaml')).toContain('propagationpolicy.policy.karmada.io/nginx-propagation created');
    expect(await k('apply', '-f', 'samples/nginx/overridepolicy.yaml')).toContain('overridepolicy.policy.karmada.io/nginx-registry created');
    expect(await k('apply', '-f', 'samples/policies/clusterpropagationpolicy.yaml')).toContain(
      'clusterpropagationpolicy.policy.karmada.io/deployment-reader created',
    );
    // Applying the same file again writes nothing: kubectl resends the selector list (the server
    // filled in its namespace, as Karmada's webhook does), and defaulting gives the same object.
    const before = JSON.parse(await k('get', 'pp', 'nginx-propagation', '-o', 'json'));
    expect(await k('apply', '-f', 'samples/nginx/propagationpolicy.yaml')).toMatch(/propagationpolicy\.policy\.karmada\.io\/nginx-propagation (configured|unchanged)/);
    const pp = JSON.parse(await k('get', 'pp', 'nginx-propagation', '-o', 'json'));
    expect(pp.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(pp.metadata.generation).toBe(1);
    expect(pp.spec.resourceSelectors[0]).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx', namespace: 'default' });
    expect(pp.spec.placement.replicaScheduling.weightPreference.staticWeightList.map((w: { weight: number }) => w.weight)).toEqual([1, 1]);
    expect(pp.metadata.labels['propagationpolicy.karmada.io/permanent-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('prints Karmada’s columns for pp,cpp,op,cop,rb,crb,work,cluster', async () => {
    const out = await k('get', 'pp,cpp,op,cop,rb,crb,work,cluster', '-A');
    expect(out).toMatch(/NAMESPACE\s+NAME\s+CONFLICT-RESOLUTION\s+PRIORITY\s+AGE/);
    expect(out).toMatch(/default\s+propagationpolicy\.policy\.karmada\.io\/nginx-propagation\s+Abort\s+0\s+\S+/);
    expect(out).toMatch(/NAME\s+CONFLICT-RESOLUTION\s+PRIORITY\s+AGE\n\s*clusterpropagationpolicy\.policy\.karmada\.io\/deployment-reader\s+Abort\s+0/);
    expect(out).toMatch(/overridepolicy\.policy\.karmada\.io\/nginx-registry/);
    // The sample's endpoint answers nothing here: the cluster controller reports it not ready.
    await eventually('member1 probed', async () => (/member1\s+Push\s+False/.test(await k('get', 'cluster')) ? true : undefined));
    expect(await k('get', 'pp,cpp,op,cop,rb,crb,work,cluster', '-A')).toMatch(/NAME\s+VERSION\s+MODE\s+READY\s+AGE\n\s*cluster\.cluster\.karmada\.io\/member1\s+Push\s+False/);
    expect(header(await k('get', 'cluster'))).toEqual(['NAME', 'VERSION', 'MODE', 'READY', 'AGE']);
    expect(header(await k('get', 'cluster', '-o', 'wide'))).toEqual(['NAME', 'VERSION', 'MODE', 'READY', 'AGE', 'ZONES', 'REGION', 'PROVIDER', 'API-ENDPOINT', 'PROXY-URL']);
  });

  it('prints binding and Work columns once there are some', async () => {
    // The detector binds the sample Deployment to its policy by itself; a Work is added by hand.
    await eventually('the detector binds nginx', async () => ((await cp.kubectl(['get', 'rb', 'nginx-deployment'], { allowFail: true })).code === 0 ? true : undefined));
    const work = {
      apiVersion: 'work.karmada.io/v1alpha1',
      kind: 'Work',
      metadata: { name: 'hand-made', namespace: 'default' },
      spec: { workload: { manifests: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx', namespace: 'default' }, spec: { replicas: 1 } }] } },
    };
    await cp.kubectl(['create', '-f', '-'], { input: JSON.stringify(work) }).then((r) => {
      if (r.code !== 0) throw new Error(r.stderr);
    });
    expect(header(await k('get', 'rb'))).toEqual(['NAME', 'SCHEDULED', 'FULLYAPPLIED', 'AGE']);
    expect(header(await k('get', 'crb', '--ignore-not-found'))).toEqual(['']);
    const works = await k('get', 'wk');
    expect(header(works)).toEqual(['NAME', 'WORKLOAD-KIND', 'APPLIED', 'AGE']);
    expect(works).toMatch(/hand-made\s+Deployment\s+/);
    // The old version is still served, converted.
    const old = JSON.parse(await k('get', 'resourcebindings.v1alpha1.work.karmada.io', 'nginx-deployment', '-o', 'json'));
    expect(old.apiVersion).toBe('work.karmada.io/v1alpha1');
    expect(old.spec.resource.replicas).toBe(2);
  });

  it('explains propagationpolicy.spec.placement from the field docs', async () => {
    const out = await k('explain', 'propagationpolicy.spec.placement');
    expect(out).toMatch(/KIND:\s+PropagationPolicy/);
    expect(out).toMatch(/GROUP:\s+policy\.karmada\.io/);
    expect(out).toMatch(/VERSION:\s+v1alpha1/);
    expect(out).toMatch(/FIELD:\s+placement/);
    for (const field of ['clusterAffinity', 'clusterAffinities', 'clusterTolerations', 'spreadConstraints', 'replicaScheduling']) {
      expect(out).toContain(field);
    }
    expect(out).toContain('The clusters the resources go to');
    const deep = await k('explain', 'pp.spec.placement.replicaScheduling.replicaSchedulingType');
    expect(deep).toMatch(/Duplicated/);
    expect(deep).toMatch(/Divided/);
  });

  it('refuses an invalid policy, naming the field', async () => {
    const bad = {
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'PropagationPolicy',
      metadata: { name: 'bad-spread', namespace: 'default' },
      spec: {
        resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx' }],
        placement: { spreadConstraints: [{ spreadByField: 'region', maxGroups: 1, minGroups: 2 }] },
      },
    };
    const r = await cp.kubectl(['apply', '-f', '-'], { input: JSON.stringify(bad), allowFail: true });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('The PropagationPolicy "bad-spread" is invalid');
    expect(r.stderr).toContain('spec.placement.spreadConstraints[0]');
    expect(r.stderr).toContain('spec.placement.spreadConstraints: Invalid value');
    const missing = await cp.kubectl(['get', 'pp', 'bad-spread'], { allowFail: true });
    expect(missing.code).not.toBe(0);

    const longName = { ...JSON.parse(JSON.stringify(bad)), metadata: { name: 'c'.repeat(49) }, kind: 'Cluster', apiVersion: 'cluster.karmada.io/v1alpha1', spec: { syncMode: 'Push' } };
    const c = await cp.kubectl(['apply', '-f', '-'], { input: JSON.stringify(longName), allowFail: true });
    expect(c.code).not.toBe(0);
    expect(c.stderr).toContain('metadata.name: Invalid value');
  });
});
