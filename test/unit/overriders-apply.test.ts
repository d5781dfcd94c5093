import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { ClusterOverridePolicy, OverridePolicy, Overriders, OverrideSpec } from '../../shared/karmada/override-policy.js';
import type { KubeObject } from '../../shared/object.js';
import {
  APPLIED_CLUSTER_OVERRIDES_ANNOTATION,
  APPLIED_OVERRIDES_ANNOTATION,
  applyOverrides,
  encodeAppliedOverrides,
  matchingRules,
  OVERRIDER_ORDER,
  OverridePolicyError,
  type OverrideInput,
} from '../../shared/overriders/index.js';

const cluster = (name: string, labels: Record<string, string> = {}, extra: Partial<Cluster['spec']> = {}): Cluster => ({
  apiVersion: 'cluster.karmada.io/v1alpha1',
  kind: 'Cluster',
  metadata: { name, labels },
  spec: { syncMode: 'Push', ...extra },
});
const cop = (name: string, spec: OverrideSpec, meta: Partial<ClusterOverridePolicy['metadata']> = {}): ClusterOverridePolicy => ({
  apiVersion: 'policy.karmada.io/v1alpha1',
  kind: 'ClusterOverridePolicy',
  metadata: { name, ...meta },
  spec,
});
const op = (name: string, spec: OverrideSpec, namespace = 'default', meta: Partial<OverridePolicy['metadata']> = {}): OverridePolicy => ({
  apiVersion: 'policy.karmada.io/v1alpha1',
  kind: 'OverridePolicy',
  metadata: { name, namespace, ...meta },
  spec,
});
const deployment = (name = 'test', namespace = 'default', labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } },
});
const deploymentSelector = { apiVersion: 'apps/v1', kind: 'Deployment' };
const setReplicas = (n: number): Overriders => ({ plaintext: [{ path: '/spec/replicas', operator: 'replace', value: n }] });
const addLabel = (k: string, v: string): Overriders => ({ labelsOverrider: [{ operator: 'add', value: { [k]: v } }] });
const replicas = (m: KubeObject) => (m.spec as { replicas: number }).replicas;
const input = (manifest: KubeObject, c: Cluster, cops: ClusterOverridePolicy[], ops: OverridePolicy[]): OverrideInput => ({
  manifest,
  cluster: c,
  clusterOverridePolicies: cops,
  overridePolicies: ops,
});

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

describe('applyOverrides: the two groups', () => {
  it('applies ClusterOverridePolicies first, so a more specific OverridePolicy wins', () => {
    const c = cluster('member1');
    const out = applyOverrides(
      input(deployment(), c, [cop('everything', { overrideRules: [{ overriders: setReplicas(2) }] })], [
        op('by-name', { resourceSelectors: [{ ...deploymentSelector, name: 'test' }], overrideRules: [{ overriders: setReplicas(5) }] }),
      ]),
    );
    expect(replicas(out.manifest)).toBe(5);
    expect(out.appliedClusterOverrides?.appliedItems.map((i) => i.policyName)).toEqual(['everything']);
    expect(out.appliedOverrides?.appliedItems.map((i) => i.policyName)).toEqual(['by-name']);
  });

  it('even a match-all OverridePolicy beats a ClusterOverridePolicy selecting by name', () => {
    const out = applyOverrides(
      input(deployment(), cluster('m'), [cop('by-name', { resourceSelectors: [{ ...deploymentSelector, name: 'test' }], overrideRules: [{ overriders: setReplicas(2) }] })], [
        op('all', { overrideRules: [{ overriders: setReplicas(7) }] }),
      ]),
    );
    expect(replicas(out.manifest)).toBe(7);
  });

  it("uses only OverridePolicies of the resource's namespace, and none for cluster-scoped resources", () => {
    const ops = [op('other-ns', { overrideRules: [{ overriders: addLabel('from', 'other') }] }, 'other'), op('same-ns', { overrideRules: [{ overriders: addLabel('from', 'same') }] }, 'default')];
    const out = applyOverrides(input(deployment(), cluster('m'), [], ops));
    expect(out.manifest.metadata.labels).toEqual({ from: 'same' });

    const clusterRole: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'test2', labels: { testLabel: 'testLabel' } } };
    const cr = applyOverrides(input(clusterRole, cluster('m'), [cop('c', { overrideRules: [{ overriders: addLabel('c', 'yes') }] })], ops));
    expect(cr.manifest.metadata.labels).toEqual({ testLabel: 'testLabel', c: 'yes' });
    expect(cr.appliedOverrides).toBeUndefined();
  });

  it('ClusterOverridePolicies apply to resources of any namespace', () => {
    const out = applyOverrides(input(deployment('x', 'team-a'), cluster('m'), [cop('c', { resourceSelectors: [deploymentSelector], overrideRules: [{ overriders: setReplicas(3) }] })], []));
    expect(replicas(out.manifest)).toBe(3);
  });

  it('matches OverridePolicies against the manifest as ClusterOverridePolicies left it', () => {
    const out = applyOverrides(
      input(deployment(), cluster('m'), [cop('tagger', { overrideRules: [{ overriders: addLabel('tier', 'gold') }] })], [
        op('gold-only', { resourceSelectors: [{ ...deploymentSelector, labelSelector: { matchLabels: { tier: 'gold' } } }], overrideRules: [{ overriders: setReplicas(9) }] }),
      ]),
    );
    expect(replicas(out.manifest)).toBe(9);
  });

  it('ignores policies being deleted', () => {
    const out = applyOverrides(
      input(deployment(), cluster('m'), [cop('gone', { overrideRules: [{ overriders: setReplicas(2) }] }, { deletionTimestamp: '2024-01-01T00:00:00Z' })], [
        op('gone-too', { overrideRules: [{ overriders: setReplicas(3) }] }, 'default', { deletionTimestamp: '2024-01-01T00:00:00Z' }),
      ]),
    );
    expect(replicas(out.manifest)).toBe(1);
    expect(out.appliedClusterOverrides).toBeUndefined();
    expect(out.appliedOverrides).toBeUndefined();
  });

  it('leaves the manifest as it was when nothing matches, and reports nothing', () => {
    const d = deployment();
    const out = applyOverrides(input(d, cluster('m'), [cop('svc', { resourceSelectors: [{ apiVersion: 'v1', kind: 'Service' }], overrideRules: [{ overriders: setReplicas(2) }] })], []));
    expect(out).toEqual({ manifest: d });
    expect(out.manifest).not.toBe(d);
  });

  it('never mutates its input', () => {
    const frozen = deepFreeze(
      input(deployment(), cluster('m'), [cop('a', { overrideRules: [{ overriders: { ...setReplicas(2), ...addLabel('x', 'y'), imageOverrider: [{ component: 'Registry', operator: 'replace', value: 'mirror.example' }] } }] })], [
        op('b', { overrideRules: [{ overriders: { annotationsOverrider: [{ operator: 'add', value: { a: 'b' } }], commandOverrider: [{ containerName: 'nginx', operator: 'add', value: ['x'] }] } }] }),
      ]),
    );
    const snapshot = structuredClone(frozen);
    const out = applyOverrides(frozen);
    expect(frozen).toEqual(snapshot);
    expect(out.manifest.metadata.annotations).toEqual({ a: 'b' });
    expect(out.manifest.metadata.labels).toEqual({ x: 'y' });
    const container = (out.manifest.spec as { template: { spec: { containers: { image: string; command: string[] }[] } } }).template.spec.containers[0];
    expect(container).toMatchObject({ image: 'mirror.example/nginx:1.25', command: ['x'] });
  });
});

describe('applyOverrides: order within a group', () => {
  const c = cluster('m');
  it('applies match-all, then label-selector, then by-name policies, whatever the input order', () => {
    const policies = [
      op('a-name', { resourceSelectors: [{ ...deploymentSelector, name: 'test' }], overrideRules: [{ overriders: setReplicas(3) }] }),
      op('b-labels', { resourceSelectors: [{ ...deploymentSelector, labelSelector: { matchLabels: { app: 'web' } } }], overrideRules: [{ overriders: setReplicas(2) }] }),
      op('c-kind', { resourceSelectors: [deploymentSelector], overrideRules: [{ overriders: setReplicas(1) }] }),
      op('d-all', { overrideRules: [{ overriders: setReplicas(0) }] }),
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(policies, { minLength: policies.length }), (shuffled) => {
        const out = applyOverrides(input(deployment('test', 'default', { app: 'web' }), c, [], shuffled));
        expect(out.appliedOverrides?.appliedItems.map((i) => i.policyName)).toEqual(['c-kind', 'd-all', 'b-labels', 'a-name']);
        expect(replicas(out.manifest)).toBe(3);
      }),
    );
  });

  it('orders policies of equal priority by name, so the last name wins', () => {
    const out = applyOverrides(
      input(deployment(), c, [cop('zeta', { overrideRules: [{ overriders: setReplicas(26) }] }), cop('alpha', { overrideRules: [{ overriders: setReplicas(1) }] })], []),
    );
    expect(replicas(out.manifest)).toBe(26);
    expect(out.appliedClusterOverrides?.appliedItems.map((i) => i.policyName)).toEqual(['alpha', 'zeta']);
  });

  it('a policy is as specific as its best-matching selector', () => {
    const out = applyOverrides(
      input(deployment(), c, [], [
        op('a-mixed', { resourceSelectors: [deploymentSelector, { ...deploymentSelector, name: 'test' }], overrideRules: [{ overriders: setReplicas(4) }] }),
        op('b-kind', { resourceSelectors: [deploymentSelector], overrideRules: [{ overriders: setReplicas(2) }] }),
      ]),
    );
    expect(replicas(out.manifest)).toBe(4);
  });

  it('applies overriders of one rule in the fixed order image, command, args, labels, annotations, field, plaintext', () => {
    expect(OVERRIDER_ORDER).toEqual(['imageOverrider', 'commandOverrider', 'argsOverrider', 'labelsOverrider', 'annotationsOverrider', 'fieldOverrider', 'plaintext']);
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { 'a.json': '{"v":1}' } };
    // Written in reverse: each later overrider only works on what the earlier one produced.
    const overriders: Overriders = {
      plaintext: [
        { path: '/metadata/annotations/seen', operator: 'replace', value: 'by-plaintext' },
        { path: '/data/a.json', operator: 'replace', value: 'final' },
      ],
      fieldOverrider: [{ fieldPath: '/data/a.json', json: [{ subPath: '/v', operator: 'replace', value: 2 }] }],
      annotationsOverrider: [{ operator: 'replace', value: { seen: 'by-annotations' } }],
      labelsOverrider: [{ operator: 'add', value: { l: '1' } }],
    };
    const withAnnotation = { ...cm, metadata: { ...cm.metadata, annotations: { seen: 'no' } } };
    const out = applyOverrides(input(withAnnotation, c, [], [op('p', { overrideRules: [{ overriders }] })]));
    expect(out.manifest.metadata.annotations).toEqual({ seen: 'by-plaintext' });
    expect(out.manifest.data).toEqual({ 'a.json': 'final' });

    // labels before plaintext: replacing a label that only the labels overrider creates succeeds.
    const out2 = applyOverrides(
      input(cm, c, [], [op('p', { overrideRules: [{ overriders: { plaintext: [{ path: '/metadata/labels/l', operator: 'replace', value: '2' }], labelsOverrider: [{ operator: 'add', value: { l: '1' } }] } }] })]),
    );
    expect(out2.manifest.metadata.labels).toEqual({ l: '2' });

    // image before plaintext: the plaintext's whole image wins over the registry change.
    const out3 = applyOverrides(
      input(deployment(), c, [], [
        op('p', {
          overrideRules: [
            {
              overriders: {
                plaintext: [{ path: '/spec/template/spec/containers/0/image', operator: 'replace', value: 'busybox:1' }],
                imageOverrider: [{ component: 'Registry', operator: 'replace', value: 'mirror.example' }],
              },
            },
          ],
        }),
      ]),
    );
    expect((out3.manifest.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]?.image).toBe('busybox:1');
  });
});

describe('applyOverrides: target clusters', () => {
  it('applies only the rules whose targetCluster matches, in their listed order', () => {
    const policy = op('p', {
      overrideRules: [
        { targetCluster: { clusterNames: ['member1', 'member2'] }, overriders: setReplicas(2) },
        { targetCluster: { labelSelector: { matchLabels: { env: 'prod' } } }, overriders: setReplicas(10) },
        { targetCluster: { fieldSelector: { matchExpressions: [{ key: 'region', operator: 'In', values: ['eu'] }] } }, overriders: addLabel('region', 'eu') },
        { targetCluster: { clusterNames: ['member1'], exclude: ['member1'] }, overriders: addLabel('never', 'x') },
      ],
    });
    const m1 = applyOverrides(input(deployment(), cluster('member1', { env: 'prod' }, { region: 'eu' }), [], [policy]));
    expect(replicas(m1.manifest)).toBe(10);
    expect(m1.manifest.metadata.labels).toEqual({ region: 'eu' });
    expect(m1.appliedOverrides?.appliedItems.length).toBe(3);

    const m2 = applyOverrides(input(deployment(), cluster('member2'), [], [policy]));
    expect(replicas(m2.manifest)).toBe(2);
    expect(m2.manifest.metadata.labels).toEqual({});

    const m3 = applyOverrides(input(deployment(), cluster('member3'), [], [policy]));
    expect(replicas(m3.manifest)).toBe(1);
    expect(m3.appliedOverrides).toBeUndefined();
  });

  it('supports the deprecated top-level targetCluster and overriders', () => {
    const old = cop('old', { targetCluster: { clusterNames: ['member1'] }, overriders: setReplicas(4) });
    expect(replicas(applyOverrides(input(deployment(), cluster('member1'), [old], [])).manifest)).toBe(4);
    expect(replicas(applyOverrides(input(deployment(), cluster('member2'), [old], [])).manifest)).toBe(1);
    const everywhere = cop('everywhere', { overriders: setReplicas(6) });
    expect(replicas(applyOverrides(input(deployment(), cluster('member2'), [everywhere], [])).manifest)).toBe(6);
  });
});

// Karmada's TestGetMatchingOverridePolicies.
describe('matchingRules', () => {
  const overriders1: Overriders = { plaintext: [{ path: '/metadata/annotations', operator: 'add', value: { foo: 'bar' } }] };
  const overriders2: Overriders = { plaintext: [{ path: '/metadata/annotations', operator: 'add', value: { aaa: 'bbb' } }] };
  const overriders3: Overriders = { plaintext: [{ path: '/metadata/annotations', operator: 'add', value: { hello: 'world' } }] };
  const policy1 = op('overridePolicy1', {
    resourceSelectors: [{ ...deploymentSelector, name: 'test' }],
    overrideRules: [
      { targetCluster: { clusterNames: ['cluster1', 'cluster2'] }, overriders: overriders1 },
      { targetCluster: { clusterNames: ['cluster2'] }, overriders: overriders2 },
    ],
  });
  const policy2 = op('overridePolicy2', { overrideRules: [{ targetCluster: { clusterNames: ['cluster1', 'cluster2'] }, overriders: overriders3 }] });
  const policy3 = op('overridePolicy3', { resourceSelectors: [], overrideRules: [{ targetCluster: { clusterNames: ['cluster1', 'cluster2'] }, overriders: overriders3 }] });
  const oldPolicy = cop('oldOverridePolicy', { targetCluster: { clusterNames: ['cluster1'] }, overriders: overriders3 });
  const names = (rules: ReturnType<typeof matchingRules>) => rules.map((r) => [r.policyName, r.overriders]);

  it.each([
    ['OverrideRules test 1', [policy1, policy2], 'cluster1', [['overridePolicy2', overriders3], ['overridePolicy1', overriders1]]],
    ['OverrideRules test 2', [policy1, policy2], 'cluster2', [['overridePolicy2', overriders3], ['overridePolicy1', overriders1], ['overridePolicy1', overriders2]]],
    ['OverrideRules test 3', [policy3], 'cluster2', [['overridePolicy3', overriders3]]],
    ['TargetCluster and Overriders test', [oldPolicy], 'cluster1', [['oldOverridePolicy', overriders3]]],
  ] as const)('%s', (_name, policies, clusterName, want) => {
    expect(names(matchingRules(policies, deployment(), cluster(clusterName)))).toEqual(want);
  });
});

describe('applyOverrides: failures', () => {
  it('names the policy, the cluster, the overrider and the path', () => {
    const bad = op('broken', { overrideRules: [{ overriders: { plaintext: [setReplicas(2).plaintext![0]!, { path: '/spec/nothing/here', operator: 'replace', value: 1 }] } }] }, 'default');
    let err: unknown;
    try {
      applyOverrides(input(deployment(), cluster('member1'), [], [bad]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OverridePolicyError);
    const e = err as OverridePolicyError;
    expect(e).toMatchObject({ policyKind: 'OverridePolicy', policyName: 'broken', policyNamespace: 'default', cluster: 'member1', overrider: 'plaintext[1]', path: '/spec/nothing/here' });
    expect(e.message).toBe('apply OverridePolicy "default/broken" for cluster "member1" failed: plaintext[1] at "/spec/nothing/here": replace: does not exist');
  });

  it('reports field overrider failures at the field path, with the subPath in the reason', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { 'c.yaml': 'a: [1,\n' } };
    const bad = cop('yaml', { overrideRules: [{ overriders: { fieldOverrider: [{ fieldPath: '/data/c.yaml', yaml: [{ subPath: '/a', operator: 'remove' }] }] } }] });
    expect(() => applyOverrides(input(cm, cluster('m'), [bad], []))).toThrow(
      /^apply ClusterOverridePolicy "yaml" for cluster "m" failed: fieldOverrider\[0\] at "\/data\/c\.yaml": cannot parse the YAML document/,
    );
  });

  it('reports image overrider failures', () => {
    const d = deployment();
    (d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image = 'nginx:1.25@sha256:short';
    const bad = cop('img', { overrideRules: [{ overriders: { imageOverrider: [{ component: 'Tag', operator: 'replace', value: 'v2' }] } }] });
    expect(() => applyOverrides(input(d, cluster('m'), [bad], []))).toThrow(/imageOverrider\[0\] at "\/spec\/template\/spec\/containers\/0\/image": cannot parse image "nginx:1\.25@sha256:short": invalid reference format/);
  });
});

describe('applied overrides annotations', () => {
  it('are what Karmada writes: items sorted by policy name, overriders in Go field order', () => {
    expect(APPLIED_OVERRIDES_ANNOTATION).toBe('policy.karmada.io/applied-overrides');
    expect(APPLIED_CLUSTER_OVERRIDES_ANNOTATION).toBe('policy.karmada.io/applied-cluster-overrides');
    const out = applyOverrides(
      input(deployment(), cluster('m'), [], [
        op('b-by-name', { resourceSelectors: [{ ...deploymentSelector, name: 'test' }], overrideRules: [{ overriders: { labelsOverrider: [{ operator: 'add', value: { x: '1' } }], plaintext: [] , ...setReplicas(2) } }] }),
        op('a-all', { overrideRules: [{ overriders: addLabel('y', '2') }] }),
      ]),
    );
    expect(out.appliedOverrides?.appliedItems.map((i) => i.policyName)).toEqual(['a-all', 'b-by-name']);
    expect(encodeAppliedOverrides(out.appliedOverrides)).toBe(
      '[{"policyName":"a-all","overriders":{"labelsOverrider":[{"operator":"add","value":{"y":"2"}}]}},' +
        '{"policyName":"b-by-name","overriders":{"plaintext":[{"path":"/spec/replicas","operator":"replace","value":2}],"labelsOverrider":[{"operator":"add","value":{"x":"1"}}]}}]',
    );
  });

  it('sort by name even when the apply order differs, and are absent when nothing applied', () => {
    const out = applyOverrides(
      input(deployment(), cluster('m'), [
        cop('a-name', { resourceSelectors: [{ ...deploymentSelector, name: 'test' }], overrideRules: [{ overriders: setReplicas(3) }] }),
        cop('z-all', { overrideRules: [{ overriders: setReplicas(2) }] }),
      ], []),
    );
    expect(out.appliedClusterOverrides?.appliedItems.map((i) => i.policyName)).toEqual(['z-all', 'a-name']);
    expect(JSON.parse(encodeAppliedOverrides(out.appliedClusterOverrides) ?? '[]').map((i: { policyName: string }) => i.policyName)).toEqual(['a-name', 'z-all']);
    expect(encodeAppliedOverrides(undefined)).toBeUndefined();
    expect(encodeAppliedOverrides({ appliedItems: [] })).toBeUndefined();
  });

  it("Karmada's ApplyOverridePolicies cases: an OverridePolicy on a Deployment, a ClusterOverridePolicy on a ClusterRole", () => {
    const overriders: Overriders = {
      labelsOverrider: [{ operator: 'add', value: { testAddLabel: 'testAddLabel' } }],
      annotationsOverrider: [{ operator: 'add', value: { testAddAnnotation: 'testAddAnnotation' } }],
    };
    const d: KubeObject = { ...deployment('test1'), metadata: { name: 'test1', namespace: 'default', labels: { testLabel: 'testLabel' }, annotations: { testAnnotation: 'testAnnotation' } } };
    const one = applyOverrides(
      input(d, cluster('test1'), [], [op('test1', { resourceSelectors: [{ ...deploymentSelector, namespace: 'default', name: 'test1' }], overrideRules: [{ targetCluster: { clusterNames: ['test1'] }, overriders }] })]),
    );
    expect(one.appliedClusterOverrides).toBeUndefined();
    expect(one.appliedOverrides).toEqual({ appliedItems: [{ policyName: 'test1', overriders }] });
    expect(one.manifest.metadata.labels).toEqual({ testLabel: 'testLabel', testAddLabel: 'testAddLabel' });
    expect(one.manifest.metadata.annotations).toEqual({ testAnnotation: 'testAnnotation', testAddAnnotation: 'testAddAnnotation' });

    const cr: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'test2', labels: { testLabel: 'testLabel' }, annotations: { testAnnotation: 'testAnnotation' } } };
    const two = applyOverrides(
      input(cr, cluster('test2'), [cop('test2', { resourceSelectors: [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'test2' }], overrideRules: [{ targetCluster: { clusterNames: ['test2'] }, overriders }] })], []),
    );
    expect(two.appliedClusterOverrides).toEqual({ appliedItems: [{ policyName: 'test2', overriders }] });
    expect(two.appliedOverrides).toBeUndefined();
    expect(two.manifest.metadata.labels).toEqual({ testLabel: 'testLabel', testAddLabel: 'testAddLabel' });
  });
});
