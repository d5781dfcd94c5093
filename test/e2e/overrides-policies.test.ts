// Karmada's override policies, driven with kubectl as a Karmada user writes them: one
// template specialised per cluster by labels and annotations (S22), images (S23), commands
// and arguments (S24), documents embedded in a ConfigMap (S25) and JSON patches, with
// ClusterOverridePolicies applied before OverridePolicies and policies that arrive, change or
// leave after the workload (S26). Observed in the members.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlOk } from '../helpers/control-plane.js';
import { eventually, json, startKarmadaPlane, type KarmadaPlane } from '../helpers/karmada-e2e.js';
import { memberLane } from '../helpers/members.js';

interface Obj {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
}

async function memberGet(k: KarmadaPlane, member: string, kind: string, name: string): Promise<Obj | undefined> {
  const r = await k.member(member, ['get', kind, name, '-n', 'default', '-o', 'json'], { allowFail: true });
  return r.code === 0 ? json<Obj>(r) : undefined;
}

/** Waits until the member's copy satisfies `ok`, and returns it. */
async function inMember(k: KarmadaPlane, member: string, kind: string, name: string, what: string, ok: (o: Obj) => boolean): Promise<Obj> {
  return eventually(`${kind}/${name} in ${member}: ${what}`, async () => {
    const o = await memberGet(k, member, kind, name);
    return o && ok(o) ? o : undefined;
  });
}

function containers(o: Obj): Container[] {
  const spec = o.spec as { template?: { spec?: { containers?: Container[] } }; containers?: Container[] };
  return spec.template?.spec?.containers ?? spec.containers ?? [];
}

const apply = (k: KarmadaPlane, yaml: string): Promise<string> => kubectlOk(k.cp, ['apply', '-f', '-'], { input: yaml });

const propagation = (name: string, selectors: string): string => `
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: { name: ${name}, namespace: default }
spec:
  resourceSelectors:
${selectors}
  placement:
    clusterAffinity: { clusterNames: [member1, member2] }
    replicaScheduling: { replicaSchedulingType: Duplicated }
`;

describe(`override policies on ${memberLane()} members`, () => {
  let k: KarmadaPlane;

  beforeAll(async () => {
    k = await startKarmadaPlane();
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('S22 adds, replaces and removes labels and annotations per cluster', async () => {
    await apply(k, `
apiVersion: v1
kind: ConfigMap
metadata:
  name: s22
  namespace: default
  labels: { app: s22, tier: front }
  annotations: { note: original }
data: { k: v }
---
${propagation('s22', '    - { apiVersion: v1, kind: ConfigMap, name: s22 }')}
---
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: { name: s22, namespace: default }
spec:
  resourceSelectors: [{ apiVersion: v1, kind: ConfigMap, name: s22 }]
  overrideRules:
    - targetCluster: { clusterNames: [member1] }
      overriders:
        labelsOverrider: [{ operator: add, value: { region: east } }]
        annotationsOverrider: [{ operator: replace, value: { note: east } }]
    - targetCluster: { clusterNames: [member2] }
      overriders:
        labelsOverrider: [{ operator: remove, value: { tier: '' } }]
        annotationsOverrider: [{ operator: add, value: { owner: team-b } }, { operator: remove, value: { note: '' } }]
`);
    const one = await inMember(k, 'member1', 'configmap', 's22', 'label region=east', (o) => o.metadata.labels?.region === 'east');
    expect(one.metadata.labels).toMatchObject({ app: 's22', tier: 'front', region: 'east' });
    expect(one.metadata.annotations?.note).toBe('east');
    const two = await inMember(k, 'member2', 'configmap', 's22', 'annotation owner=team-b', (o) => o.metadata.annotations?.owner === 'team-b');
    expect(two.metadata.labels?.app).toBe('s22');
    expect(two.metadata.labels?.tier).toBeUndefined();
    expect(two.metadata.labels?.region).toBeUndefined();
    expect(two.metadata.annotations?.note).toBeUndefined();
    // The Work records which rules applied, as Karmada does.
    const works = json<{ items: Obj[] }>(await k.cp.kubectl(['get', 'work', '-A', '-o', 'json']));
    const w = works.items.find((x) => x.metadata.name.startsWith('s22-') && (x as { metadata: { namespace?: string } }).metadata.namespace === 'karmada-es-member1');
    expect(w?.metadata.annotations?.['policy.karmada.io/applied-overrides']).toContain('"policyName":"s22"');
  });

  it('S23 rewrites registry, repository and tag, for every container or the one a predicate names, in Deployments and Pods', async () => {
    await apply(k, `
apiVersion: apps/v1
kind: Deployment
metadata: { name: s23, namespace: default }
spec:
  replicas: 1
  selector: { matchLabels: { app: s23 } }
  template:
    metadata: { labels: { app: s23 } }
    spec:
      containers:
        - { name: web, image: nginx:1.25 }
        - { name: side, image: registry.example:5000/team/sidecar:1.0 }
---
apiVersion: v1
kind: Pod
metadata: { name: s23-pod, namespace: default }
spec:
  containers: [{ name: main, image: busybox:1.36 }]
---
${propagation('s23', '    - { apiVersion: apps/v1, kind: Deployment, name: s23 }\n    - { apiVersion: v1, kind: Pod, name: s23-pod }')}
---
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: { name: s23, namespace: default }
spec:
  resourceSelectors:
    - { apiVersion: apps/v1, kind: Deployment, name: s23 }
    - { apiVersion: v1, kind: Pod, name: s23-pod }
  overrideRules:
    - targetCluster: { clusterNames: [member1] }
      overriders:
        imageOverrider: [{ component: Registry, operator: replace, value: mirror.example:5000 }]
---
# A predicate path must exist in every resource the policy selects (Karmada fails the
# override otherwise), so each kind gets its own policy here.
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: { name: s23-deployment, namespace: default }
spec:
  resourceSelectors: [{ apiVersion: apps/v1, kind: Deployment, name: s23 }]
  overrideRules:
    - targetCluster: { clusterNames: [member2] }
      overriders:
        imageOverrider: [{ component: Tag, operator: replace, value: '1.27', predicate: { path: /spec/template/spec/containers/0/image } }]
---
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: { name: s23-pod, namespace: default }
spec:
  resourceSelectors: [{ apiVersion: v1, kind: Pod, name: s23-pod }]
  overrideRules:
    - targetCluster: { clusterNames: [member2] }
      overriders:
        imageOverrider: [{ component: Repository, operator: replace, value: library/busybox, predicate: { path: /spec/containers/0/image } }]
`);
    const d1 = await inMember(k, 'member1', 'deployment', 's23', 'mirror registry', (o) => containers(o)[0]?.image.startsWith('mirror.') ?? false);
    expect(containers(d1).map((c) => c.image)).toEqual(['mirror.example:5000/nginx:1.25', 'mirror.example:5000/team/sidecar:1.0']);
    const p1 = await inMember(k, 'member1', 'pod', 's23-pod', 'mirror registry', (o) => containers(o)[0]?.image.startsWith('mirror.') ?? false);
    expect(containers(p1)[0]?.image).toBe('mirror.example:5000/busybox:1.36');
    const d2 = await inMember(k, 'member2', 'deployment', 's23', 'tag 1.27 on the first container', (o) => containers(o)[0]?.image === 'nginx:1.27');
    expect(containers(d2)[1]?.image).toBe('registry.example:5000/team/sidecar:1.0');
    const p2 = await inMember(k, 'member2', 'pod', 's23-pod', 'repository replaced', (o) => containers(o)[0]?.image === 'library/busybox:1.36');
    expect(containers(p2)).toHaveLength(1);
  });

  it('S24 adds and removes command and args items of a named container', async () => {
    await apply(k, `
apiVersion: apps/v1
kind: Deployment
metadata: { name: s24, namespace: default }
spec:
  replicas: 1
  selector: { matchLabels: { app: s24 } }
  template:
    metadata: { labels: { app: s24 } }
    spec:
      containers:
        - { name: main, image: busybox:1.36, command: [sh, -c], args: [serve, --verbose, --port=80] }
        - { name: other, image: busybox:1.36, command: [sleep], args: ['3600'] }
---
${propagation('s24', '    - { apiVersion: apps/v1, kind: Deployment, name: s24 }')}
---
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: { name: s24, namespace: default }
spec:
  resourceSelectors: [{ apiVersion: apps/v1, kind: Deployment, name: s24 }]
  overrideRules:
    - targetCluster: { clusterNames: [member1] }
      overriders:
        commandOverrider: [{ containerName: main, operator: add, value: [--log-json] }]
        argsOverrider: [{ containerName: main, operator: remove, value: [--verbose] }]
    - targetCluster: { clusterNames: [member2] }
      overriders:
        argsOverrider: [{ containerName: main, operator: add, value: [--region=west, --debug] }]
        commandOverrider: [{ containerName: absent, operator: add, value: [ignored] }]
`);
    const d1 = await inMember(k, 'member1', 'deployment', 's24', 'command extended', (o) => (containers(o)[0]?.command?.length ?? 0) === 3);
    expect(containers(d1)[0]).toMatchObject({ command: ['sh', '-c', '--log-json'], args: ['serve', '--port=80'] });
    expect(containers(d1)[1]).toMatchObject({ command: ['sleep'], args: ['3600'] });
    const d2 = await inMember(k, 'member2', 'deployment', 's24', 'args extended', (o) => (containers(o)[0]?.args?.length ?? 0) === 5);
    expect(containers(d2)[0]).toMatchObject({ command: ['sh', '-c'], args: ['serve', '--verbose', '--port=80', '--region=west', '--debug'] });
    expect(containers(d2)[1]).toMatchObject({ command: ['sleep'], args: ['3600'] });
  });

  it('S25 patches a JSON and a YAML document embedded in a ConfigMap, keeping each format', async () => {
    await apply(k, `
apiVersion: v1
kind: ConfigMap
metadata: { name: s25, namespace: default }
data:
  config.json: '{"db":{"host":"db.primary","port":5432},"features":["a"]}'
  config.yaml: |
    db:
      host: db.primary
      port: 5432
    cache: true
---
${propagation('s25', '    - { apiVersion: v1, kind: ConfigMap, name: s25 }')}
---
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: { name: s25, namespace: default }
spec:
  resourceSelectors: [{ apiVersion: v1, kind: ConfigMap, name: s25 }]
  overrideRules:
    - targetCluster: { clusterNames: [member1] }
      overriders:
        fieldOverrider:
          - fieldPath: /data/config.json
            json:
              - { subPath: /db/host, operator: replace, value: db.east }
              - { subPath: /features/-, operator: add, value: b }
          - fieldPath: /data/config.yaml
            yaml:
              - { subPath: /db/host, operator: replace, value: db.east }
              - { subPath: /cache, operator: remove }
`);
    const cm = await inMember(k, 'member1', 'configmap', 's25', 'db.east in both documents', (o) => (o.data?.['config.json'] ?? '').includes('db.east') && (o.data?.['config.yaml'] ?? '').includes('db.east'));
    expect(JSON.parse(cm.data!['config.json']!)).toEqual({ db: { host: 'db.east', port: 5432 }, features: ['a', 'b'] });
    const yaml = cm.data!['config.yaml']!;
    expect(yaml).toMatch(/^db:\n\s+host: db\.east\n\s+port: 5432\n?$/);
    expect(yaml).not.toContain('cache');
    const untouched = await inMember(k, 'member2', 'configmap', 's25', 'present', () => true);
    expect(untouched.data?.['config.json']).toContain('db.primary');
  });

  it('S26 applies JSON patches, ClusterOverridePolicies before OverridePolicies, and policies made, changed or deleted after the workload', async () => {
    await apply(k, `
apiVersion: v1
kind: ConfigMap
metadata: { name: s26, namespace: default, labels: { app: s26 } }
data: { mode: base }
---
${propagation('s26', '    - { apiVersion: v1, kind: ConfigMap, name: s26 }')}
`);
    await inMember(k, 'member1', 'configmap', 's26', 'propagated', (o) => o.data?.mode === 'base');
    // Both policies arrive after the workload; the namespaced one is applied last and wins.
    await apply(k, `
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterOverridePolicy
metadata: { name: s26-cluster }
spec:
  resourceSelectors: [{ apiVersion: v1, kind: ConfigMap, name: s26, namespace: default }]
  overrideRules:
    - overriders:
        plaintext:
          - { path: /data/mode, operator: replace, value: cluster }
          - { path: /data/from-cluster-policy, operator: add, value: 'yes' }
---
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: { name: s26, namespace: default }
spec:
  resourceSelectors: [{ apiVersion: v1, kind: ConfigMap, name: s26 }]
  overrideRules:
    - targetCluster: { clusterNames: [member2] }
      overriders:
        plaintext: [{ path: /data/mode, operator: replace, value: namespaced }]
`);
    const one = await inMember(k, 'member1', 'configmap', 's26', 'cluster policy applied', (o) => o.data?.mode === 'cluster');
    expect(one.data?.['from-cluster-policy']).toBe('yes');
    const two = await inMember(k, 'member2', 'configmap', 's26', 'namespaced policy last', (o) => o.data?.mode === 'namespaced');
    expect(two.data?.['from-cluster-policy']).toBe('yes');

    // Changing a policy moves the members with it.
    await kubectlOk(k.cp, ['patch', 'op', 's26', '-n', 'default', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/overrideRules/0/overriders/plaintext/0/value","value":"changed"}]']);
    await inMember(k, 'member2', 'configmap', 's26', 'changed value', (o) => o.data?.mode === 'changed');

    // Deleting the policies takes their changes out of the members again.
    await kubectlOk(k.cp, ['delete', 'op', 's26', '-n', 'default']);
    await inMember(k, 'member2', 'configmap', 's26', 'back to the cluster policy', (o) => o.data?.mode === 'cluster');
    await kubectlOk(k.cp, ['delete', 'cop', 's26-cluster']);
    for (const m of ['member1', 'member2']) {
      const back = await inMember(k, m, 'configmap', 's26', 'template value', (o) => o.data?.mode === 'base');
      expect(back.data?.['from-cluster-policy']).toBeUndefined();
    }
  });
});
