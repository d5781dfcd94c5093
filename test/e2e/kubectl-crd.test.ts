import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.js';

const CRD = 'crontabs.stable.example.com';

/** The CRD sample with its group (and name) replaced. */
function crdIn(group: string): string {
  return JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  });
}

describe('CustomResourceDefinitions with kubectl', () => {
  let cp: ControlPlane;
  /** kubectl validates create/apply bodies against OpenAPI unless told not to; without OpenAPI it must be. */
  let validate: string[] = [];
  beforeAll(async () => {
    cp = await startControlPlane();
    const openapi = await cp.kubectl(['get', '--raw', '/openapi/v3'], { allowFail: true });
    validate = openapi.code === 0 ? [] : ['--validate=false'];
  });
  afterAll(async () => {
    await cp?.stop();
  });

  const k = async (...args: string[]): Promise<string> => {
    const r = await cp.kubectl(args, { allowFail: true });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  const kFail = async (...args: string[]): Promise<string> => {
    const r = await cp.kubectl(args, { allowFail: true });
    expect(r.code, `kubectl ${args.join(' ')} should fail`).not.toBe(0);
    return r.stderr;
  };

  it('applies a CRD that becomes Established', async () => {
    expect(await k('apply', '-f', 'samples/crd/crontab-crd.yaml', ...validate)).toContain(`customresourcedefinition.apiextensions.k8s.io/${CRD} created`);
    expect(await k('wait', '--for=condition=Established', `crd/${CRD}`, '--timeout=30s')).toContain('condition met');
    const crd = JSON.parse(await k('get', 'crd', CRD, '-o', 'json'));
    expect(crd.status.acceptedNames).toMatchObject({ plural: 'crontabs', kind: 'CronTab', shortNames: ['ct'] });
    expect(await k('api-resources', '--api-group=stable.example.com')).toMatch(/crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab/);
  });

  it('creates a custom resource and lists it by short name with its printer columns', async () => {
    expect(await k('create', '-f', 'samples/crd/crontab.yaml', ...validate)).toContain('crontab.stable.example.com/my-new-cron-object created');
    const out = await k('get', 'ct');
    const [header, row] = out.trim().split('\n');
    expect(header).toMatch(/^NAME\s+SPEC\s+REPLICAS\s+POLICY\s+AGE$/);
    expect(row).toMatch(/^my-new-cron-object\s+\* \* \* \* \*\/5\s+1\s+Allow\s+\d+s$/);
  });

  it('shows the schema defaults in -o yaml', async () => {
    const yaml = await k('get', 'crontab', 'my-new-cron-object', '-o', 'yaml');
    expect(yaml).toContain('replicas: 1');
    expect(yaml).toContain('concurrencyPolicy: Allow');
    expect(yaml).toContain('apiVersion: stable.example.com/v1');
  });

  it('refuses an invalid custom resource with a message naming the field', async () => {
    const bad = {
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'bad' },
      spec: { cronSpec: '* * * * *', replicas: 50, concurrencyPolicy: 'Sometimes' },
    };
    const err = await cp.kubectl(['create', '-f', '-', ...validate], { input: JSON.stringify(bad), allowFail: true });
    expect(err.code).not.toBe(0);
    // kubectl rewrites a 422 from its causes: 'The CronTab "bad" is invalid:' and one line per field.
    expect(err.stderr).toContain('The CronTab "bad" is invalid');
    expect(err.stderr).toContain('spec.replicas: Invalid value: 50: spec.replicas in body should be less than or equal to 10');
    expect(err.stderr).toContain('spec.concurrencyPolicy: Unsupported value: "Sometimes"');
  });

  it('scales it through the scale subresource', async () => {
    expect(await k('scale', 'ct', 'my-new-cron-object', '--replicas=3')).toContain('crontab.stable.example.com/my-new-cron-object scaled');
    expect(await k('get', 'ct', 'my-new-cron-object', '-o', 'jsonpath={.spec.replicas}')).toBe('3');
    await kFail('scale', 'ct', 'my-new-cron-object', '--replicas=11');
  });

  it('patches it with a merge patch and its status through /status', async () => {
    await k('patch', 'ct', 'my-new-cron-object', '--type=merge', '-p', '{"spec":{"image":"v2"}}');
    await k('patch', 'ct', 'my-new-cron-object', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":3,"selector":"app=cron"}}');
    const obj = JSON.parse(await k('get', 'ct', 'my-new-cron-object', '-o', 'json'));
    expect(obj.spec.image).toBe('v2');
    expect(obj.status).toEqual({ replicas: 3, selector: 'app=cron' });
    expect(obj.metadata.generation).toBe(3);
  });

  it('applies changes to a custom resource (kubectl sends a merge patch: custom kinds take no strategic merge)', async () => {
    const cr = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'applied' }, spec: { cronSpec: '* * * * *', image: 'a' } };
    const apply = (): Promise<string> =>
      cp.kubectl(['apply', '-f', '-', ...validate], { input: JSON.stringify(cr) }).then((r) => r.stdout);
    expect(await apply()).toContain('crontab.stable.example.com/applied created');
    cr.spec.image = 'b';
    expect(await apply()).toContain('crontab.stable.example.com/applied configured');
    expect(await k('get', 'ct', 'applied', '-o', 'jsonpath={.spec.image} {.spec.replicas}')).toBe('b 1');
  });

  it('is part of `kubectl get all` through its category', async () => {
    expect(await k('get', 'all', '-o', 'name')).toContain('crontab.stable.example.com/my-new-cron-object');
  });

  it('explains the kind from its schema when OpenAPI is served', async () => {
    if (validate.length) return;
    const out = await k('explain', 'crontab.spec');
    expect(out).toContain('cronSpec');
    expect(out).toContain('The schedule, in cron format.');
  });

  it('refuses CRDs in groups Flotilla serves itself', async () => {
    for (const group of ['apps', 'policy.karmada.io']) {
      const r = await cp.kubectl(['create', '-f', '-', '--validate=false'], { input: crdIn(group), allowFail: true });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`the API group "${group}" is served by Flotilla itself`);
    }
  });

  it('deletes the custom resources with the CRD, and the resource leaves discovery', async () => {
    await k('delete', 'crd', CRD, '--timeout=60s');
    expect(await kFail('get', 'crd', CRD)).toContain('NotFound');
    expect(await k('api-resources')).not.toMatch(/\bcrontabs\b/);
    expect(await kFail('get', '--raw', '/apis/stable.example.com/v1/namespaces/default/crontabs')).toContain('NotFound');
    // Re-created, the kind starts empty: nothing of the old objects survived.
    await k('apply', '-f', 'samples/crd/crontab-crd.yaml', ...validate);
    await k('wait', '--for=condition=Established', `crd/${CRD}`, '--timeout=30s');
    expect((await cp.kubectl(['get', 'crontabs', '-A', '-o', 'name'])).stdout.trim()).toBe('');
  });
});
