import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.js';

/** A Deployment manifest in the default namespace, as JSON (kubectl reads it from stdin). */
function manifest(name: string, opts: { replicas?: number; labels?: Record<string, string>; containers?: Array<{ name: string; image: string }> } = {}): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: {
      ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: opts.containers ?? [{ name: 'web', image: 'nginx:1.27' }] },
      },
    },
  });
}

interface Entry {
  manager: string;
  operation: string;
  fieldsV1: Record<string, any>;
}

describe('kubectl apply --server-side', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(async () => {
    await cp?.stop();
  });

  const apply = (input: string, ...flags: string[]) => cp.kubectl(['apply', '-f', '-', ...flags], { input, allowFail: true });
  const get = async (name: string): Promise<any> => {
    // kubectl hides managedFields from -o json too unless asked.
    const r = await cp.kubectl(['-n', 'default', 'get', 'deployment', name, '-o', 'json', '--show-managed-fields']);
    return JSON.parse(r.stdout);
  };
  const entries = (obj: any): Entry[] => obj.metadata.managedFields ?? [];
  const entryOf = (obj: any, manager: string): Entry | undefined => entries(obj).find((e) => e.manager === manager);

  it('creates the object, and applying it again changes nothing', async () => {
    const first = await apply(manifest('ssa', { replicas: 2 }), '--server-side');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('deployment.apps/ssa serverside-applied');
    const created = await get('ssa');
    expect(created.spec.replicas).toBe(2);
    expect(entries(created).map((e) => [e.manager, e.operation])).toEqual([['kubectl', 'Apply']]);
    expect(entryOf(created, 'kubectl')!.fieldsV1['f:spec']['f:replicas']).toEqual({});

    const again = await apply(manifest('ssa', { replicas: 2 }), '--server-side');
    expect(again.code, again.stderr).toBe(0);
    const after = await get('ssa');
    expect(after.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('refuses another manager changing spec.replicas, naming the owner and the field', async () => {
    const r = await apply(manifest('ssa', { replicas: 3 }), '--server-side', '--field-manager=other');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect(r.stderr).toContain('--force-conflicts');
    expect((await get('ssa')).spec.replicas).toBe(2);
  });

  it('--force-conflicts takes ownership', async () => {
    const r = await apply(manifest('ssa', { replicas: 3 }), '--server-side', '--field-manager=other', '--force-conflicts');
    expect(r.code, r.stderr).toBe(0);
    const obj = await get('ssa');
    expect(obj.spec.replicas).toBe(3);
    expect(entryOf(obj, 'other')!.fieldsV1['f:spec']['f:replicas']).toEqual({});
    expect(entryOf(obj, 'kubectl')!.fieldsV1['f:spec']['f:replicas']).toBeUndefined();
  });

  it('removes a field the manifest no longer has', async () => {
    const two = [
      { name: 'web', image: 'nginx:1.27' },
      { name: 'sidecar', image: 'busybox:1.36' },
    ];
    const first = await apply(manifest('prune', { labels: { tier: 'web', team: 'a' }, containers: two }), '--server-side');
    expect(first.code, first.stderr).toBe(0);
    const second = await apply(manifest('prune', { labels: { tier: 'web' }, containers: two.slice(0, 1) }), '--server-side');
    expect(second.code, second.stderr).toBe(0);
    const obj = await get('prune');
    expect(obj.metadata.labels).toEqual({ tier: 'web' });
    expect(obj.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['web']);
  });

  it('takes over from client-side apply without conflicts, migrating its managedFields', async () => {
    const csa = await apply(manifest('migrate', { replicas: 2, labels: { team: 'a' } }));
    expect(csa.code, csa.stderr).toBe(0);
    const before = await get('migrate');
    expect(entries(before).map((e) => e.manager)).toEqual(['kubectl-client-side-apply']);
    expect(before.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBeTruthy();

    // A changed value too: what client-side apply recorded is no conflict for kubectl's own manager.
    const ssa = await apply(manifest('migrate', { replicas: 4, labels: { team: 'a' } }), '--server-side');
    expect(ssa.code, ssa.stderr).toBe(0);
    expect(ssa.stderr).not.toContain('Warning');
    const after = await get('migrate');
    expect(after.spec.replicas).toBe(4);
    expect(entries(after).map((e) => [e.manager, e.operation]).sort()).toEqual([
      ['kubectl', 'Apply'],
      ['kubectl-last-applied', 'Apply'],
    ]);
    expect(entryOf(after, 'kubectl')!.fieldsV1['f:spec']['f:replicas']).toEqual({});
    expect(entryOf(after, 'kubectl-last-applied')!.fieldsV1).toEqual({
      'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/last-applied-configuration': {} } },
    });

    // kubectl now owns what client-side apply set, so dropping it from the manifest removes it.
    const dropped = await apply(manifest('migrate', { replicas: 4 }), '--server-side');
    expect(dropped.code, dropped.stderr).toBe(0);
    expect((await get('migrate')).metadata.labels).toBeUndefined();
  });

  it('shows managedFields per manager with --show-managed-fields, and hides them by default', async () => {
    const shown = await cp.kubectl(['-n', 'default', 'get', 'deployment', 'ssa', '-o', 'yaml', '--show-managed-fields']);
    expect(shown.stdout).toContain('managedFields:');
    expect(shown.stdout).toMatch(/manager: kubectl\n\s+operation: Apply/);
    expect(shown.stdout).toMatch(/manager: other\n\s+operation: Apply/);
    expect(shown.stdout).toContain('f:replicas: {}');
    const hidden = await cp.kubectl(['-n', 'default', 'get', 'deployment', 'ssa', '-o', 'yaml']);
    expect(hidden.stdout).not.toContain('managedFields');
  });
});
