// Karmada's quick start, as a new user runs it: the members `up` starts are joined and
// Ready, the nginx sample and its policy go in, and the Deployment runs one replica in
// member1 and one in member2, its status on the control plane adding them up (S01);
// changes to the template reach the members and deleting it removes them (S02).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PROJECT_ROOT, kubectlOk } from '../helpers/control-plane.js';
import { eventually, json, startKarmadaPlane, type KarmadaPlane } from '../helpers/karmada-e2e.js';
import { memberLane } from '../helpers/members.js';

const sample = (f: string): string => join(PROJECT_ROOT, 'samples/nginx', f);

interface Deployment {
  spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
  status?: { readyReplicas?: number; replicas?: number; observedGeneration?: number };
  metadata: { generation?: number; labels?: Record<string, string> };
}

async function memberDeployment(k: KarmadaPlane, member: string, name = 'nginx'): Promise<Deployment | undefined> {
  const r = await k.member(member, ['get', 'deployment', name, '-n', 'default', '-o', 'json'], { allowFail: true });
  return r.code === 0 ? json<Deployment>(r) : undefined;
}

describe(`quick start on ${memberLane()} members`, () => {
  let k: KarmadaPlane;

  beforeAll(async () => {
    k = await startKarmadaPlane();
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('S30 lists the members up joined, Ready, with version and mode', async () => {
    const table = await eventually('three Ready clusters', async () => {
      const out = await kubectlOk(k.cp, ['get', 'clusters']);
      return (out.match(/\bPush\s+True\b/g) ?? []).length === 3 ? out : undefined;
    });
    expect(table).toMatch(/^NAME\s+VERSION\s+MODE\s+READY\s+AGE/m);
    expect(table).toMatch(/^member1\s+v1\.33\.\d+\s+Push\s+True/m);
  });

  it('S01 runs nginx with one replica in member1 and member2, READY 2/2 on the control plane', async () => {
    await kubectlOk(k.cp, ['apply', '-f', sample('deployment.yaml'), '-f', sample('propagationpolicy.yaml')]);
    for (const m of ['member1', 'member2']) {
      const d = await eventually(`nginx ready in ${m}`, async () => {
        const d = await memberDeployment(k, m);
        return d?.status?.readyReplicas === 1 ? d : undefined;
      });
      expect(d.spec.replicas).toBe(1);
      expect(d.metadata.labels?.['karmada.io/managed']).toBe('true');
    }
    expect(await memberDeployment(k, 'member3')).toBeUndefined();
    const ready = await eventually('READY 2/2 on the control plane', async () => {
      const out = await kubectlOk(k.cp, ['get', 'deployment', 'nginx']);
      return /\bnginx\s+2\/2\s+2\s+2\b/.test(out) ? out : undefined;
    });
    expect(ready).toMatch(/nginx\s+2\/2/);
    const rb = await kubectlOk(k.cp, ['get', 'rb', 'nginx-deployment']);
    expect(rb).toMatch(/^NAME\s+SCHEDULED\s+FULLYAPPLIED\s+AGE/m);
    expect(rb).toMatch(/nginx-deployment\s+True\s+True/);
    const works = await kubectlOk(k.cp, ['get', 'work', '-A']);
    expect(works).toMatch(/karmada-es-member1\s+nginx-687f7fb96f\s+Deployment\s+True/);
    expect(works).toMatch(/karmada-es-member2\s+nginx-687f7fb96f\s+Deployment\s+True/);
  });

  it('S02 carries template changes to every member and removes the workload with the template', async () => {
    await kubectlOk(k.cp, ['set', 'image', 'deployment/nginx', 'nginx=nginx:1.27']);
    await kubectlOk(k.cp, ['scale', 'deployment/nginx', '--replicas=4']);
    for (const m of ['member1', 'member2']) {
      await eventually(`new image and 2 replicas in ${m}`, async () => {
        const d = await memberDeployment(k, m);
        return d?.spec.replicas === 2 && d.spec.template.spec.containers[0]?.image === 'nginx:1.27' ? d : undefined;
      });
    }
    await eventually('READY 4/4 on the control plane', async () => {
      const out = await kubectlOk(k.cp, ['get', 'deployment', 'nginx']);
      return /\bnginx\s+4\/4\b/.test(out) ? out : undefined;
    });
    await kubectlOk(k.cp, ['delete', 'deployment', 'nginx']);
    for (const m of ['member1', 'member2']) {
      await eventually(`nginx gone from ${m}`, async () => ((await memberDeployment(k, m)) === undefined ? true : undefined));
    }
    await eventually('binding and Works gone', async () => {
      const out = await kubectlOk(k.cp, ['get', 'rb,work', '-A', '-o', 'name']);
      return out.trim() === '' ? true : undefined;
    });
  });
});
