// Karmada's scheduling scenarios on the members `up` starts (member1 location=east in r1,
// member2 location=west in r1, member3 in r2): cluster affinity (S12), Duplicated (S13),
// static weights (S14), cordon (S19), and `flotilla placement` explaining a placement.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlOk } from '../helpers/control-plane.js';
import { eventually, json, startKarmadaPlane, type KarmadaPlane, readyClusters, runFlotilla } from '../helpers/karmada-e2e.js';
import { memberLane } from '../helpers/members.js';

const MEMBERS = ['member1', 'member2', 'member3'];

function deployment(name: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default, labels: {app: ${name}}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: nginx}]}
`;
}

function policy(name: string, target: string, placement: string): string {
  return `apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: ${name}, namespace: default}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: ${target}}]
  placement:
${placement
  .trim()
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
`;
}

describe(`scheduling on ${memberLane()} members`, () => {
  let k: KarmadaPlane;

  async function apply(yaml: string): Promise<void> {
    await kubectlOk(k.cp, ['apply', '-f', '-'], { input: yaml });
  }

  /** Replicas of the Deployment in each member (absent: not there). */
  async function spread(name: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const m of MEMBERS) {
      const r = await k.member(m, ['get', 'deployment', name, '-n', 'default', '-o', 'json'], { allowFail: true });
      if (r.code === 0) out[m] = json<{ spec: { replicas: number } }>(r).spec.replicas;
    }
    return out;
  }

  async function expectSpread(name: string, want: Record<string, number>): Promise<void> {
    const key = JSON.stringify(want);
    await eventually(`${name} spread as ${key}`, async () => (JSON.stringify(await spread(name)) === key ? true : undefined), 90_000, 500);
  }

  const flotilla = (args: string[]) => runFlotilla(k, args);

  beforeAll(async () => {
    k = await startKarmadaPlane();
    await readyClusters(k);
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('S12 clusterAffinity by names with exclude, by labels and by fieldSelector select exactly those clusters', async () => {
    await apply(deployment('s12-names', 1) + '---\n' + policy('s12-names', 's12-names', 'clusterAffinity: {clusterNames: [member1, member2, member3], exclude: [member2]}\nreplicaScheduling: {replicaSchedulingType: Duplicated}'));
    await apply(deployment('s12-labels', 1) + '---\n' + policy('s12-labels', 's12-labels', 'clusterAffinity: {labelSelector: {matchLabels: {location: west}}}\nreplicaScheduling: {replicaSchedulingType: Duplicated}'));
    await apply(deployment('s12-region', 1) + '---\n' + policy('s12-region', 's12-region', 'clusterAffinity: {fieldSelector: {matchExpressions: [{key: region, operator: In, values: [r1]}]}}\nreplicaScheduling: {replicaSchedulingType: Duplicated}'));
    await expectSpread('s12-names', { member1: 1, member3: 1 });
    await expectSpread('s12-labels', { member2: 1 });
    await expectSpread('s12-region', { member1: 1, member2: 1 });
  });

  it('S13 Duplicated gives every selected cluster all replicas, and a replica change reschedules', async () => {
    await apply(deployment('s13', 2) + '---\n' + policy('s13', 's13', 'replicaScheduling: {replicaSchedulingType: Duplicated}'));
    await expectSpread('s13', { member1: 2, member2: 2, member3: 2 });
    await kubectlOk(k.cp, ['scale', 'deployment/s13', '--replicas=3']);
    await expectSpread('s13', { member1: 3, member2: 3, member3: 3 });
  });

  it('S14 static weights: 9 replicas at 1:2 are 3 and 6, at 1:3 are 2 and 7', async () => {
    const weights = (a: number, b: number) => `clusterAffinity: {clusterNames: [member1, member2]}
replicaScheduling:
  replicaSchedulingType: Divided
  replicaDivisionPreference: Weighted
  weightPreference:
    staticWeightList:
    - {targetCluster: {clusterNames: [member1]}, weight: ${a}}
    - {targetCluster: {clusterNames: [member2]}, weight: ${b}}`;
    await apply(deployment('s14', 9) + '---\n' + policy('s14', 's14', weights(1, 2)));
    await expectSpread('s14', { member1: 3, member2: 6 });
    await apply(policy('s14', 's14', weights(1, 3)));
    await expectSpread('s14', { member1: 2, member2: 7 });
  });

  it('flotilla placement explains a binding and dry-runs a policy', async () => {
    const explained = await flotilla(['placement', 'deployment/s12-labels']);
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toMatch(/^member2\s+Selected\b/m);
    expect(explained.stdout).toMatch(/^member1\s+Filtered\s.*ClusterAffinity/m);
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'placement-')), 'draft.yaml');
    writeFileSync(file, policy('draft', 's14', 'clusterAffinity: {clusterNames: [member3]}\nreplicaScheduling: {replicaSchedulingType: Duplicated}'));
    const dry = await flotilla(['placement', '-f', file]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Scheduled: member3:9');
    expect((await kubectlOk(k.cp, ['get', 'pp', '-o', 'name'])).includes('draft')).toBe(false);
  });

  it('S19 a cordoned cluster gets no new work; a toleration still places it there', async () => {
    const cordon = await flotilla(['cordon', 'member1']);
    expect(cordon.code, cordon.stderr).toBe(0);
    await apply(deployment('s19', 1) + '---\n' + policy('s19', 's19', 'replicaScheduling: {replicaSchedulingType: Duplicated}'));
    await expectSpread('s19', { member2: 1, member3: 1 });
    await apply(policy('s19', 's19', 'clusterTolerations: [{key: cluster.karmada.io/unschedulable, operator: Exists, effect: NoSchedule}]\nreplicaScheduling: {replicaSchedulingType: Duplicated}'));
    await expectSpread('s19', { member1: 1, member2: 1, member3: 1 });
    const uncordon = await flotilla(['uncordon', 'member1']);
    expect(uncordon.code, uncordon.stderr).toBe(0);
  });
});
