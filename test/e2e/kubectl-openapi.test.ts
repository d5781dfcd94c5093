import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.js';

/**
 * The OpenAPI documents as kubectl uses them: `explain` (v3, and v2 on request), its own
 * validation before create (which hands over to the server once the documents say the server
 * validates fields), fieldValidation's answers, and server-side dry runs.
 */
describe('kubectl with OpenAPI', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(async () => {
    await cp?.stop();
  });

  const k = async (args: string[], input?: string): Promise<{ stdout: string; stderr: string }> => {
    const r = await cp.kubectl(args, { allowFail: true, ...(input !== undefined ? { input } : {}) });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  };
  const kFail = async (args: string[], input?: string): Promise<string> => {
    const r = await cp.kubectl(args, { allowFail: true, ...(input !== undefined ? { input } : {}) });
    expect(r.code, `kubectl ${args.join(' ')} should fail`).not.toBe(0);
    return r.stderr;
  };

  it('explains a field with upstream’s documentation', async () => {
    const { stdout } = await k(['explain', 'deployment.spec.strategy']);
    expect(stdout).toContain('GROUP:      apps');
    expect(stdout).toContain('KIND:       Deployment');
    expect(stdout).toContain('FIELD: strategy <DeploymentStrategy>');
    expect(stdout).toContain('The deployment strategy to use to replace existing pods with new ones.');
    expect(stdout).toMatch(/rollingUpdate\s+<RollingUpdateDeployment>/);
  });

  it('explains a kind recursively', async () => {
    const { stdout } = await k(['explain', 'pods', '--recursive']);
    expect(stdout).toContain('KIND:       Pod');
    expect(stdout).toMatch(/^ {2}spec\s+<PodSpec>$/m);
    expect(stdout).toMatch(/^ {4}containers\s+<\[\]Container> -required-$/m);
    expect(stdout).toMatch(/^ {6}livenessProbe\s+<Probe>$/m);
  });

  it('explains from the v2 document when asked to', async () => {
    const { stdout } = await k(['explain', 'deployment.spec.replicas', '--output', 'plaintext-openapiv2']);
    expect(stdout).toContain('FIELD:    replicas <integer>');
    expect(stdout).toContain('Number of desired pods.');
  });

  it('creates the samples with kubectl’s validation on', async () => {
    for (const file of ['samples/basics/configmap.yaml', 'samples/basics/service.yaml', 'samples/nginx/deployment.yaml']) {
      const { stdout } = await k(['create', '-f', file]);
      expect(stdout).toMatch(/ created$/m);
    }
  });

  const withUnknownField = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: typo
spec:
  replicas: 1
  replicaz: 3
  selector:
    matchLabels: {app: typo}
  template:
    metadata:
      labels: {app: typo}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

  it('refuses a manifest with an unknown field, naming the field', async () => {
    const stderr = await kFail(['create', '-f', '-'], withUnknownField);
    expect(stderr).toContain('strict decoding error: unknown field "spec.replicaz"');
    expect(await kFail(['get', 'deployment', 'typo'])).toContain('not found');
  });

  it('accepts it with a warning under --validate=warn, dropping the field', async () => {
    const { stdout, stderr } = await k(['create', '-f', '-', '--validate=warn'], withUnknownField);
    expect(stdout).toContain('deployment.apps/typo created');
    expect(stderr).toContain('Warning: unknown field "spec.replicaz"');
    const stored = JSON.parse((await k(['get', 'deployment', 'typo', '-o', 'json'])).stdout);
    expect(stored.spec.replicas).toBe(1);
    expect(stored.spec.replicaz).toBeUndefined();
  });

  it('validates a kind: List itself, from the v2 document, before sending anything', async () => {
    const list = (items: string) => `apiVersion: v1\nkind: List\nitems:\n${items}`;
    const bad = list('- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: listed-bad}\n  dataa: {a: b}\n');
    expect(await kFail(['create', '-f', '-'], bad)).toContain('unknown field "dataa" in io.k8s.api.core.v1.ConfigMap');
    const good = list('- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: listed}\n  data: {a: b}\n');
    expect((await k(['create', '-f', '-'], good)).stdout).toContain('configmap/listed created');
  });

  it('stores nothing on a server-side dry run', async () => {
    const { stdout } = await k(['create', 'configmap', 'dry', '--from-literal=a=b', '--dry-run=server', '-o', 'json']);
    expect(JSON.parse(stdout).metadata.name).toBe('dry');
    expect(await kFail(['get', 'configmap', 'dry'])).toContain('configmaps "dry" not found');
    const manifest = withUnknownField.replace('name: typo', 'name: dry-deploy').replace('  replicaz: 3\n', '');
    const fromFile = await k(['create', '-f', '-', '--dry-run=server', '-o', 'name'], manifest);
    expect(fromFile.stdout.trim()).toBe('deployment.apps/dry-deploy');
    expect(await kFail(['get', 'deployment', 'dry-deploy'])).toContain('not found');
  });
});
