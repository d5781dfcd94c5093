import { describe, expect, it } from 'vitest';
import { pluginsFor, runAdmission, type AdmissionResult } from '../../shared/admission/plugin.js';
import { karmadaAdmissionPlugins, type KarmadaAdmissionOptions } from '../../shared/karmada/admission/index.js';
import { defaultKarmadaAdmissionOptions } from '../../shared/karmada/admission/options.js';
import type { KubeObject } from '../../shared/object.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');

type Obj = Record<string, any>;

interface Call {
  old?: KubeObject;
  peers?: KubeObject[];
  options?: Partial<KarmadaAdmissionOptions>;
}

let ids = 0;
async function admit(resource: string, object: Obj, call: Call = {}): Promise<AdmissionResult> {
  const chain = pluginsFor(karmadaAdmissionPlugins({ ...defaultKarmadaAdmissionOptions, ...call.options }), resource);
  return runAdmission(
    chain,
    {
      operation: call.old ? 'UPDATE' : 'CREATE',
      resource,
      object: structuredClone(object) as KubeObject,
      ...(call.old ? { oldObject: call.old } : {}),
      newId: () => `id-${++ids}`,
      now: () => NOW,
    },
    async () => call.peers ?? [],
  );
}

async function admitted(resource: string, object: Obj, call?: Call): Promise<Obj> {
  const r = await admit(resource, object, call);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.causes)}`);
  return r.object;
}

/** The fields a refused request names (and that it was refused at all). */
async function refusedFields(resource: string, object: Obj, call?: Call): Promise<string[]> {
  const r = await admit(resource, object, call);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.object)}`);
  return r.causes.map((c) => c.field ?? '');
}

const PP = 'propagationpolicies.policy.karmada.io';
const CPP = 'clusterpropagationpolicies.policy.karmada.io';
const OP = 'overridepolicies.policy.karmada.io';
const COP = 'clusteroverridepolicies.policy.karmada.io';
const CTP = 'clustertaintpolicies.policy.karmada.io';
const CLUSTER = 'clusters.cluster.karmada.io';
const RB = 'resourcebindings.work.karmada.io';
const CRB = 'clusterresourcebindings.work.karmada.io';
const WORK = 'works.work.karmada.io';
const WR = 'workloadrebalancers.apps.karmada.io';

const pp = (spec: Obj = {}, meta: Obj = {}): Obj => ({
  apiVersion: 'policy.karmada.io/v1alpha1',
  kind: 'PropagationPolicy',
  metadata: { name: 'nginx', namespace: 'default', ...meta },
  spec: { resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx' }], ...spec },
});
const placement = (p: Obj): Obj => pp({ placement: p });

describe('PropagationPolicy mutation', () => {
  it('fills the CRD defaults and the webhook defaults', async () => {
    const out = await admitted(
      PP,
      pp({
        resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment' }],
        placement: { spreadConstraints: [{ maxGroups: 2 }, { spreadByLabel: 'net', minGroups: 2 }], replicaScheduling: {} },
        propagateDeps: true,
        failover: { application: { decisionConditions: {} } },
      }),
    );
    expect(out.spec.resourceSelectors[0].namespace).toBe('default');
    expect(out.spec.placement.spreadConstraints).toEqual([
      { spreadByField: 'cluster', maxGroups: 2, minGroups: 1 },
      { spreadByLabel: 'net', minGroups: 2 },
    ]);
    expect(out.spec.placement.replicaScheduling).toEqual({ replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' });
    expect(out.spec.failover.application).toEqual({ decisionConditions: { tolerationSeconds: 300 }, purgeMode: 'Gracefully', gracePeriodSeconds: 600 });
    expect(out.spec).toMatchObject({ priority: 0, preemption: 'Never', schedulerName: 'default-scheduler', conflictResolution: 'Abort' });
    expect(out.metadata.labels['propagationpolicy.karmada.io/permanent-id']).toMatch(/^id-\d+$/);
    expect(out.metadata.finalizers).toBeUndefined();
  });

  it('leaves Duplicated alone and keeps a chosen division preference', async () => {
    const dup = await admitted(PP, placement({ replicaScheduling: { replicaSchedulingType: 'Duplicated' } }));
    expect(dup.spec.placement.replicaScheduling).toEqual({ replicaSchedulingType: 'Duplicated' });
    const agg = await admitted(PP, placement({ replicaScheduling: { replicaDivisionPreference: 'Aggregated' } }));
    expect(agg.spec.placement.replicaScheduling.replicaDivisionPreference).toBe('Aggregated');
  });

  it('forces propagateDeps for a ServiceImport and prunes unknown fields', async () => {
    const out = await admitted(PP, pp({ resourceSelectors: [{ apiVersion: 'multicluster.x-k8s.io/v1alpha1', kind: 'ServiceImport' }], bogus: 1 }));
    expect(out.spec.propagateDeps).toBe(true);
    expect(out.spec.bogus).toBeUndefined();
  });

  it('gives the permanent id on create only, and the finalizer when enabled', async () => {
    const created = await admitted(PP, pp({}, { labels: { 'propagationpolicy.karmada.io/permanent-id': 'mine' } }), { options: { policyFinalizers: true } });
    const id = created.metadata.labels['propagationpolicy.karmada.io/permanent-id'];
    expect(id).not.toBe('mine');
    expect(created.metadata.finalizers).toEqual(['karmada.io/propagation-policy-controller']);
    const updated = await admitted(PP, created, { old: created as KubeObject });
    expect(updated.metadata.labels['propagationpolicy.karmada.io/permanent-id']).toBe(id);
  });

  it('does not default selector namespaces of a ClusterPropagationPolicy', async () => {
    const cpp = { ...pp(), kind: 'ClusterPropagationPolicy', metadata: { name: 'all' } };
    const out = await admitted(CPP, cpp);
    expect(out.spec.resourceSelectors[0].namespace).toBeUndefined();
    expect(out.metadata.labels['clusterpropagationpolicy.karmada.io/permanent-id']).toBeDefined();
  });
});

describe('PropagationPolicy validation names the field', () => {
  const cases: [string, Obj, string[]][] = [
    ['resourceSelectors missing', { ...pp(), spec: {} }, ['spec.resourceSelectors']],
    ['resourceSelectors empty', pp({ resourceSelectors: [] }), ['spec.resourceSelectors']],
    ['selector without apiVersion and kind', pp({ resourceSelectors: [{ name: 'x' }] }), ['spec.resourceSelectors[0].apiVersion', 'spec.resourceSelectors[0].kind']],
    ['priority not an integer', pp({ priority: 1.5 }), ['spec.priority']],
    ['priority out of int32', pp({ priority: 2 ** 31 }), ['spec.priority']],
    ['conflictResolution unknown', pp({ conflictResolution: 'Merge' }), ['spec.conflictResolution']],
    ['preemption unknown', pp({ preemption: 'Sometimes' }), ['spec.preemption']],
    ['activationPreference unknown', pp({ activationPreference: 'Eager' }), ['spec.activationPreference']],
    ['schedulePriority source unknown', pp({ schedulePriority: { priorityClassSource: 'PodPriorityClass', priorityClassName: 'x' } }), ['spec.schedulePriority.priorityClassSource']],
    ['replicaSchedulingType unknown', placement({ replicaScheduling: { replicaSchedulingType: 'Split' } }), ['spec.placement.replicaScheduling.replicaSchedulingType']],
    ['dynamicWeight unknown', placement({ replicaScheduling: { weightPreference: { dynamicWeight: 'Cpu' } } }), ['spec.placement.replicaScheduling.weightPreference.dynamicWeight']],
    [
      'static weight below 1',
      placement({ replicaScheduling: { weightPreference: { staticWeightList: [{ targetCluster: { clusterNames: ['a'] }, weight: 0 }] } } }),
      ['spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight'],
    ],
    ['spreadByField unknown', placement({ spreadConstraints: [{ spreadByField: 'rack' }] }), ['spec.placement.spreadConstraints[0].spreadByField']],
    ['clusterAffinity with clusterAffinities', placement({ clusterAffinity: { clusterNames: ['a'] }, clusterAffinities: [{ affinityName: 'g', clusterNames: ['a'] }] }), ['spec.placement']],
    ['field selector key', placement({ clusterAffinity: { fieldSelector: { matchExpressions: [{ key: 'name', operator: 'In', values: ['a'] }] } } }), ['spec.placement.clusterAffinity.fieldSelector']],
    ['field selector operator', placement({ clusterAffinity: { fieldSelector: { matchExpressions: [{ key: 'region', operator: 'Exists' }] } } }), ['spec.placement.clusterAffinity.fieldSelector']],
    [
      'affinity term field selector',
      placement({ clusterAffinities: [{ affinityName: 'g', fieldSelector: { matchExpressions: [{ key: 'foo', operator: 'In', values: ['x'] }] } }] }),
      ['spec.placement.clusterAffinities[0].fieldSelector'],
    ],
    ['affinity names unique', placement({ clusterAffinities: [{ affinityName: 'g', clusterNames: ['a'] }, { affinityName: 'g', clusterNames: ['b'] }] }), ['spec.placement.clusterAffinities']],
    ['affinity name empty', placement({ clusterAffinities: [{ affinityName: '' }] }), ['spec.placement.clusterAffinities[0].affinityName']],
    ['affinity name too long', placement({ clusterAffinities: [{ affinityName: 'a'.repeat(33) }] }), ['spec.placement.clusterAffinities[0].affinityName']],
    ['affinity name not a qualified name', placement({ clusterAffinities: [{ affinityName: 'not valid!' }] }), ['spec.placement.clusterAffinities[0].affinityName']],
    [
      'overflow without capacity-driven division',
      placement({ clusterAffinities: [{ affinityName: 'p', clusterNames: ['a'], overflowAffinities: [{ affinityName: 'o', clusterNames: ['b'] }] }] }),
      ['spec.placement.clusterAffinities[0].overflowAffinities'],
    ],
    [
      'overflow with static weights',
      placement({
        replicaScheduling: { replicaSchedulingType: 'Divided', weightPreference: { staticWeightList: [{ targetCluster: { clusterNames: ['a'] }, weight: 1 }] } },
        clusterAffinities: [{ affinityName: 'p', clusterNames: ['a'], overflowAffinities: [{ affinityName: 'o', clusterNames: ['b'] }] }],
      }),
      ['spec.placement.clusterAffinities[0].overflowAffinities'],
    ],
    [
      'overflow without a primary group',
      placement({ replicaScheduling: { replicaDivisionPreference: 'Aggregated' }, clusterAffinities: [{ affinityName: 'p', overflowAffinities: [{ affinityName: 'o', clusterNames: ['b'] }] }] }),
      ['spec.placement.clusterAffinities[0].overflowAffinities'],
    ],
    [
      'overflow names repeat the primary',
      placement({
        replicaScheduling: { weightPreference: { dynamicWeight: 'AvailableReplicas' } },
        clusterAffinities: [{ affinityName: 'p', clusterNames: ['a'], overflowAffinities: [{ affinityName: 'p', clusterNames: ['b'] }] }],
      }),
      ['spec.placement.clusterAffinities[0].overflowAffinities[0].affinityName'],
    ],
    ['spread by field and label', placement({ spreadConstraints: [{ spreadByField: 'cluster', spreadByLabel: 'x' }] }), ['spec.placement.spreadConstraints[0]']],
    ['minGroups negative', placement({ spreadConstraints: [{ spreadByField: 'cluster', minGroups: -1 }] }), ['spec.placement.spreadConstraints[0]']],
    ['maxGroups negative', placement({ spreadConstraints: [{ spreadByField: 'cluster', maxGroups: -1 }] }), ['spec.placement.spreadConstraints[0]']],
    ['maxGroups below minGroups', placement({ spreadConstraints: [{ spreadByField: 'cluster', maxGroups: 1, minGroups: 2 }] }), ['spec.placement.spreadConstraints[0]']],
    ['two cluster constraints', placement({ spreadConstraints: [{ spreadByField: 'cluster' }, { spreadByField: 'cluster' }] }), ['spec.placement.spreadConstraints']],
    ['region without cluster', placement({ spreadConstraints: [{ spreadByField: 'region', maxGroups: 2 }] }), ['spec.placement.spreadConstraints']],
    ['toleration operator', placement({ clusterTolerations: [{ key: 'k', operator: 'Lt', value: '1' }] }), ['spec.placement.clusterTolerations[0].operator']],
    ['workload affinity key', placement({ workloadAffinity: { affinity: { groupByLabelKey: 'INVALID KEY!' } } }), ['spec.placement.workloadAffinity.affinity.groupByLabelKey']],
    [
      'workload affinity and anti-affinity on one key',
      placement({ workloadAffinity: { affinity: { groupByLabelKey: 'app' }, antiAffinity: { groupByLabelKey: 'app' } } }),
      ['spec.placement.workloadAffinity'],
    ],
    ['application failover without propagateDeps', pp({ failover: { application: { decisionConditions: {} } } }), ['spec.propagateDeps']],
    [
      'negative toleration',
      pp({ propagateDeps: true, failover: { application: { decisionConditions: { tolerationSeconds: -1 } } } }),
      ['spec.failover.application.decisionConditions.tolerationSeconds'],
    ],
    [
      'grace period without Gracefully',
      pp({ propagateDeps: true, failover: { application: { decisionConditions: {}, purgeMode: 'Directly', gracePeriodSeconds: 30 } } }),
      ['spec.failover.application.gracePeriodSeconds'],
    ],
    [
      'grace period not positive',
      pp({ propagateDeps: true, failover: { application: { decisionConditions: {}, gracePeriodSeconds: 0 } } }),
      ['spec.failover.application.gracePeriodSeconds'],
    ],
    [
      'application purge mode unknown',
      pp({ propagateDeps: true, failover: { application: { decisionConditions: {}, purgeMode: 'Later' } } }),
      ['spec.failover.application.purgeMode'],
    ],
    ['cluster purge mode Never', pp({ failover: { cluster: { purgeMode: 'Never' } } }), ['spec.failover.cluster.purgeMode']],
    [
      'state preservation label',
      pp({
        propagateDeps: true,
        failover: { application: { decisionConditions: {}, statePreservation: { rules: [{ aliasLabelName: '-bad', jsonPath: '{.replicas}' }] } } },
      }),
      ['spec.failover.application.statePreservation.rules[0].aliasLabelName'],
    ],
    [
      'cluster state preservation label',
      pp({ failover: { cluster: { statePreservation: { rules: [{ aliasLabelName: 'Bad.COM/x', jsonPath: '{.a}' }] } } } }),
      ['spec.failover.cluster.statePreservation.rules[0].aliasLabelName'],
    ],
    ['preemption Always needs names', pp({ preemption: 'Always', resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap' }] }), ['spec.resourceSelectors[0].name']],
    ['suspension both ways', pp({ suspension: { dispatching: true, dispatchingOnClusters: { clusterNames: ['a'] } } }), ['spec.suspension']],
    ['selector in another namespace', pp({ resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'other' }] }), ['spec.resourceSelectors[0].namespace']],
  ];
  it.each(cases)('%s', async (_name, object, fields) => {
    expect(await refusedFields(PP, object)).toEqual(fields);
  });

  it('accepts the sample policy shapes and a valid region spread', async () => {
    await admitted(PP, placement({ spreadConstraints: [{ spreadByField: 'region', maxGroups: 2, minGroups: 1 }, { spreadByField: 'cluster' }] }));
    await admitted(
      PP,
      placement({
        replicaScheduling: { replicaDivisionPreference: 'Aggregated' },
        clusterAffinities: [{ affinityName: 'p', clusterNames: ['a'], overflowAffinities: [{ affinityName: 'o', clusterNames: ['b'] }] }],
      }),
    );
    await admitted(PP, pp({ suspension: { dispatching: false, dispatchingOnClusters: { clusterNames: ['a'] } } }));
    await admitted(PP, placement({ clusterTolerations: [{ key: 'k', value: 'v' }, { operator: 'Exists' }] }));
  });

  it('a ClusterPropagationPolicy may select any namespace, under the same placement rules', async () => {
    const cpp = (spec: Obj): Obj => ({ ...pp(spec), kind: 'ClusterPropagationPolicy', metadata: { name: 'all' } });
    await admitted(CPP, cpp({ resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'other' }] }));
    expect(await refusedFields(CPP, cpp({ placement: { spreadConstraints: [{ spreadByField: 'zone' }] } }))).toEqual(['spec.placement.spreadConstraints']);
  });

  it('on update: schedulerName and the permanent id are fixed', async () => {
    const created = await admitted(PP, pp());
    expect(await refusedFields(PP, { ...created, spec: { ...created.spec, schedulerName: 'other' } }, { old: created as KubeObject })).toEqual(['spec.schedulerName']);
    const relabelled = { ...created, metadata: { ...created.metadata, labels: { 'propagationpolicy.karmada.io/permanent-id': 'forged' } } };
    expect(await refusedFields(PP, relabelled, { old: created as KubeObject })).toEqual(['metadata.labels[propagationpolicy.karmada.io/permanent-id]']);
    const unlabelled = { ...created, metadata: { ...created.metadata, labels: {} } };
    expect(await refusedFields(PP, unlabelled, { old: created as KubeObject })).toEqual(['metadata.labels[propagationpolicy.karmada.io/permanent-id]']);
  });

  it('reports kube-style messages', async () => {
    const r = await admit(PP, pp({ conflictResolution: 'Merge' }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.causes[0]).toEqual({
        type: 'FieldValueNotSupported',
        field: 'spec.conflictResolution',
        message: 'Unsupported value: "Merge": supported values: "Abort", "Overwrite"',
      });
    }
    const typed = await admit(PP, pp({ priority: 'high', placement: { spreadConstraints: [{ maxGroups: '2' }] } }));
    if (!typed.ok) {
      expect(typed.causes).toEqual([
        { type: 'FieldValueTypeInvalid', field: 'spec.placement.spreadConstraints[0].maxGroups', message: 'Invalid value: "string": spec.placement.spreadConstraints[0].maxGroups in body must be of type integer: "string"' },
        { type: 'FieldValueTypeInvalid', field: 'spec.priority', message: 'Invalid value: "string": spec.priority in body must be of type integer: "string"' },
      ]);
    }
    expect(typed.ok).toBe(false);
    const missing = await admit(PP, { ...pp(), spec: {} });
    if (!missing.ok) expect(missing.causes[0]).toEqual({ type: 'FieldValueRequired', field: 'spec.resourceSelectors', message: 'Required value' });
  });
});

const op = (spec: Obj, kind = 'OverridePolicy'): Obj => ({
  apiVersion: 'policy.karmada.io/v1alpha1',
  kind,
  metadata: kind === 'OverridePolicy' ? { name: 'o', namespace: 'default' } : { name: 'o' },
  spec,
});
const rule = (overriders: Obj, extra: Obj = {}): Obj => op({ overrideRules: [{ targetCluster: { clusterNames: ['member1'] }, overriders, ...extra }] });
const R = 'spec.overrideRules[0].overriders';

describe('OverridePolicy', () => {
  it('defaults selector namespaces (OverridePolicy only)', async () => {
    const out = await admitted(OP, op({ resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment' }] }));
    expect(out.spec.resourceSelectors[0].namespace).toBe('default');
    const cop = await admitted(COP, op({ resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment' }] }, 'ClusterOverridePolicy'));
    expect(cop.spec.resourceSelectors[0].namespace).toBeUndefined();
  });

  it('accepts every overrider in its valid form', async () => {
    await admitted(
      OP,
      rule({
        plaintext: [{ path: '/spec/replicas', operator: 'replace', value: 3 }, { path: '/metadata/labels/x', operator: 'remove' }],
        imageOverrider: [{ component: 'Registry', operator: 'replace', value: 'mirror.example' }, { predicate: { path: '/spec/template/spec/containers/0/image' }, component: 'Tag', operator: 'remove' }],
        commandOverrider: [{ containerName: 'nginx', operator: 'add', value: ['--debug'] }],
        argsOverrider: [{ containerName: 'nginx', operator: 'remove', value: ['--quiet'] }],
        labelsOverrider: [{ operator: 'add', value: { 'example.com/tier': 'edge' } }],
        annotationsOverrider: [{ operator: 'replace', value: { note: 'member1' } }],
        fieldOverrider: [{ fieldPath: '/data/config.yaml', yaml: [{ subPath: '/db/host', operator: 'replace', value: 'db.member1' }] }],
      }),
    );
  });

  const cases: [string, Obj, string[]][] = [
    ['targetCluster with overrideRules', { ...rule({}), spec: { ...rule({}).spec, targetCluster: { clusterNames: ['a'] } } }, ['spec.targetCluster']],
    ['overriders with overrideRules', { ...rule({}), spec: { ...rule({}).spec, overriders: { plaintext: [{ path: '/a', operator: 'remove' }] } } }, ['spec.overriders']],
    ['deprecated targetCluster field selector', op({ targetCluster: { fieldSelector: { matchExpressions: [{ key: 'foo', operator: 'In' }] } } }), ['spec.targetCluster.fieldSelector']],
    ['rule targetCluster field selector', rule({}, { targetCluster: { fieldSelector: { matchExpressions: [{ key: 'provider', operator: 'Gt', values: ['1'] }] } } }), ['spec.overrideRules[0].targetCluster.fieldSelector']],
    ['overriders required in a rule', op({ overrideRules: [{ targetCluster: { clusterNames: ['a'] } }] }), ['spec.overrideRules[0].overriders']],
    ['plaintext operator', rule({ plaintext: [{ path: '/a', operator: 'move' }] }), [`${R}.plaintext[0].operator`]],
    ['plaintext path', rule({ plaintext: [{ path: 'spec/replicas', operator: 'remove' }] }), [`${R}.plaintext[0].path`]],
    ['plaintext add without value', rule({ plaintext: [{ path: '/a', operator: 'add' }] }), [`${R}.plaintext[0].value`]],
    ['plaintext remove with value', rule({ plaintext: [{ path: '/a', operator: 'remove', value: 1 }] }), [`${R}.plaintext[0].value`]],
    ['image component', rule({ imageOverrider: [{ component: 'Digest', operator: 'replace', value: 'x' }] }), [`${R}.imageOverrider[0].component`]],
    ['image operator', rule({ imageOverrider: [{ component: 'Tag', operator: 'append', value: 'x' }] }), [`${R}.imageOverrider[0].operator`]],
    ['image predicate path', rule({ imageOverrider: [{ predicate: { path: 'spec/containers/0/image' }, component: 'Tag', operator: 'replace', value: 'x' }] }), [`${R}.imageOverrider[0].predicate.path`]],
    ['command operator', rule({ commandOverrider: [{ containerName: 'c', operator: 'replace', value: ['x'] }] }), [`${R}.commandOverrider[0].operator`]],
    ['args container name', rule({ argsOverrider: [{ operator: 'add', value: ['x'] }] }), [`${R}.argsOverrider[0].containerName`]],
    ['label key', rule({ labelsOverrider: [{ operator: 'add', value: { 'bad~key': 'v' } }] }), [`${R}.labelsOverrider[0].value`]],
    ['label value', rule({ labelsOverrider: [{ operator: 'add', value: { k: 'not a value' } }] }), [`${R}.labelsOverrider[0].value`]],
    ['annotation key', rule({ annotationsOverrider: [{ operator: 'add', value: { 'testannotation~projectId': 'x' } }] }), [`${R}.annotationsOverrider[0].value`]],
    [
      'field overrider json and yaml',
      rule({ fieldOverrider: [{ fieldPath: '/data/c', json: [{ subPath: '/k', operator: 'remove' }], yaml: [{ subPath: '/k', operator: 'remove' }] }] }),
      [`${R}.fieldOverrider[0]`],
    ],
    ['field overrider neither', rule({ fieldOverrider: [{ fieldPath: '/data/c' }] }), [`${R}.fieldOverrider[0]`]],
    ['field overrider path', rule({ fieldOverrider: [{ fieldPath: 'data/c', json: [{ subPath: '/k', operator: 'remove' }] }] }), [`${R}.fieldOverrider[0].fieldPath`]],
    ['field overrider sub path', rule({ fieldOverrider: [{ fieldPath: '/data/c', json: [{ subPath: 'k', operator: 'remove' }] }] }), [`${R}.fieldOverrider[0].json[0].subPath`]],
    ['field overrider replace without value', rule({ fieldOverrider: [{ fieldPath: '/data/c', json: [{ subPath: '/k', operator: 'replace' }] }] }), [`${R}.fieldOverrider[0].json[0].value`]],
    ['field overrider remove with value', rule({ fieldOverrider: [{ fieldPath: '/data/c', yaml: [{ subPath: '/k', operator: 'remove', value: 'x' }] }] }), [`${R}.fieldOverrider[0].yaml[0].value`]],
    ['selector in another namespace', op({ resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'other' }] }), ['spec.resourceSelectors[0].namespace']],
  ];
  it.each(cases)('refuses %s', async (_name, object, fields) => {
    expect(await refusedFields(OP, object)).toEqual(fields);
  });

  it('a ClusterOverridePolicy follows the same rules but selects any namespace', async () => {
    await admitted(COP, op({ resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'other' }] }, 'ClusterOverridePolicy'));
    const bad = op({ overrideRules: [{ overriders: { fieldOverrider: [{ fieldPath: '/x' }] } }] }, 'ClusterOverridePolicy');
    expect(await refusedFields(COP, bad)).toEqual([`${R}.fieldOverrider[0]`]);
  });
});

const cluster = (spec: Obj = {}, name = 'member1'): Obj => ({
  apiVersion: 'cluster.karmada.io/v1alpha1',
  kind: 'Cluster',
  metadata: { name },
  spec: { syncMode: 'Push', apiEndpoint: 'https://member1.example:6443', ...spec },
});
const models = (...grades: [number, string, string][]): Obj[] => grades.map(([grade, min, max]) => ({ grade, ranges: [{ name: 'cpu', min, max }] }));
const MAX = '9223372036854775807';

describe('Cluster', () => {
  it('moves zone into zones, times NoExecute taints and gives the default resource models on create', async () => {
    const out = await admitted(
      CLUSTER,
      cluster({ zone: 'z1', taints: [{ key: 'a', effect: 'NoExecute' }, { key: 'b', effect: 'NoSchedule' }] }),
    );
    expect(out.spec.zones).toEqual(['z1']);
    expect(out.spec.zone).toBeUndefined();
    expect(out.spec.taints).toEqual([
      { key: 'a', effect: 'NoExecute', timeAdded: '2025-03-01T12:00:00Z' },
      { key: 'b', effect: 'NoSchedule' },
    ]);
    expect(out.spec.resourceModels).toHaveLength(9);
    expect(out.spec.resourceModels[0]).toEqual({ grade: 0, ranges: [{ name: 'cpu', min: '0', max: '1' }, { name: 'memory', min: '0', max: '4Gi' }] });
    expect(out.spec.resourceModels[8].ranges).toEqual([
      { name: 'cpu', min: '128', max: MAX },
      { name: 'memory', min: '1024Gi', max: MAX },
    ]);
  });

  it('sorts given models and opens their ends; no defaults on update', async () => {
    const out = await admitted(CLUSTER, cluster({ resourceModels: models([1, '2', '10'], [0, '5', '2']) }));
    expect(out.spec.resourceModels).toEqual(models([0, '0', '2'], [1, '2', MAX]));
    const updated = await admitted(CLUSTER, cluster(), { old: cluster() as KubeObject });
    expect(updated.spec.resourceModels).toBeUndefined();
  });

  const cases: [string, Obj, string[]][] = [
    ['name over 48 characters', cluster({}, 'a'.repeat(49)), ['metadata.name']],
    ['syncMode missing', { ...cluster(), spec: { apiEndpoint: 'https://x' } }, ['spec.syncMode']],
    ['syncMode unknown', cluster({ syncMode: 'Poll' }), ['spec.syncMode']],
    ['apiEndpoint not a URL', cluster({ apiEndpoint: '^Invalid' }), ['spec.apiEndpoint']],
    ['apiEndpoint with a query', cluster({ apiEndpoint: 'https://h:6443?x=1' }), ['spec.apiEndpoint']],
    ['apiEndpoint with user info', cluster({ apiEndpoint: 'https://u:p@h:6443' }), ['spec.apiEndpoint']],
    ['secretRef without name', cluster({ secretRef: { namespace: 'karmada-cluster', name: '' } }), ['spec.secretRef.name']],
    ['impersonatorSecretRef without namespace', cluster({ impersonatorSecretRef: { namespace: '', name: 'x' } }), ['spec.impersonatorSecretRef.namespace']],
    ['proxyURL scheme', cluster({ proxyURL: 'ftp://proxy:21' }), ['spec.proxyURL']],
    ['provider', cluster({ provider: 'Invalid Provider' }), ['spec.provider']],
    ['region', cluster({ region: 'Invalid Region' }), ['spec.region']],
    ['zones', cluster({ zones: ['Invalid Zone', 'z2'] }), ['spec.zones[0]']],
    ['zone and zones', cluster({ zone: 'a', zones: ['b'] }), ['spec.zone']],
    ['taint effect', cluster({ taints: [{ key: 'foo', effect: '^Invalid' }] }), ['spec.taints[0].effect']],
    ['taint key', cluster({ taints: [{ key: 'a b', effect: 'NoSchedule' }] }), ['spec.taints[0].key']],
    ['taint repeated', cluster({ taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', value: 'x', effect: 'NoSchedule' }] }), ['spec.taints[1]']],
    ['model grades repeated', cluster({ resourceModels: models([1, '0', '2'], [1, '2', MAX]) }), ['spec.resourceModels']],
    ['model resources differ in number', cluster({ resourceModels: [...models([0, '0', '2']), { grade: 1, ranges: [{ name: 'cpu', min: '2', max: MAX }, { name: 'memory', min: '0', max: MAX }] }] }), ['spec.resourceModels']],
    ['model intervals not contiguous', cluster({ resourceModels: models([0, '0', '2'], [1, '3', MAX]) }), ['spec.resourceModels[1].ranges[0].min']],
    ['model range empty', cluster({ resourceModels: models([0, '0', '4'], [1, '4', '4'], [2, '4', MAX]) }), ['spec.resourceModels[1].ranges[0]']],
    ['model resource name', cluster({ resourceModels: [{ grade: 0, ranges: [{ name: 'gpu', min: '0', max: MAX }] }] }), ['spec.resourceModels[0].ranges[0].name']],
  ];
  it.each(cases)('refuses %s', async (_name, object, fields) => {
    expect(await refusedFields(CLUSTER, object)).toEqual(fields);
  });
});

const ctp = (name: string, taints: Obj[]): Obj => ({
  apiVersion: 'policy.karmada.io/v1alpha1',
  kind: 'ClusterTaintPolicy',
  metadata: { name },
  spec: { addOnConditions: [{ conditionType: 'Ready', operator: 'In', statusValues: ['False'] }], taints },
});

describe('ClusterTaintPolicy', () => {
  it('refuses a taint listed twice, a NoExecute taint, and a taint another policy manages', async () => {
    expect(await refusedFields(CTP, ctp('a', [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', effect: 'NoSchedule', value: 'v' }]))).toEqual(['spec.taints[1]']);
    expect(await refusedFields(CTP, ctp('a', [{ key: 'k', effect: 'NoExecute' }]))).toEqual(['spec.taints[0].effect']);
    await admitted(CTP, ctp('a', [{ key: 'k', effect: 'NoExecute' }]), { options: { allowNoExecuteTaintPolicy: true } });
    const other = ctp('b', [{ key: 'k', effect: 'NoSchedule' }]) as KubeObject;
    expect(await refusedFields(CTP, ctp('a', [{ key: 'k', effect: 'NoSchedule' }]), { peers: [other] })).toEqual(['spec.taints[0]']);
    // A policy never conflicts with its own stored self.
    await admitted(CTP, ctp('b', [{ key: 'k', effect: 'NoSchedule' }]), { peers: [other], old: other });
  });

  it('checks the schema: taints required and non-empty, effects and operators enumerated', async () => {
    expect(await refusedFields(CTP, ctp('a', []))).toEqual(['spec.taints']);
    expect(await refusedFields(CTP, ctp('a', [{ key: 'k', effect: 'PreferNoSchedule' }]))).toEqual(['spec.taints[0].effect']);
    const badOp = ctp('a', [{ key: 'k', effect: 'NoSchedule' }]);
    badOp.spec.removeOnConditions = [{ conditionType: 'Ready', operator: 'Exists', statusValues: [] }];
    expect(await refusedFields(CTP, badOp)).toEqual(['spec.removeOnConditions[0].operator']);
  });
});

const binding = (kind = 'ResourceBinding'): Obj => ({
  apiVersion: 'work.karmada.io/v1alpha2',
  kind,
  metadata: kind === 'ResourceBinding' ? { name: 'nginx-deployment', namespace: 'default' } : { name: 'reader-clusterrole' },
  spec: { resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'nginx' }, replicas: 2, clusters: [{ name: 'member1', replicas: 1 }] },
});

describe('bindings', () => {
  it('get a permanent id once, and the schema defaults', async () => {
    const out = await admitted(RB, binding());
    const id = out.metadata.labels['resourcebinding.karmada.io/permanent-id'];
    expect(id).toMatch(/^id-/);
    expect(out.spec.conflictResolution).toBe('Abort');
    const again = await admitted(RB, out, { old: out as KubeObject });
    expect(again.metadata.labels['resourcebinding.karmada.io/permanent-id']).toBe(id);
    const crb = await admitted(CRB, binding('ClusterResourceBinding'));
    expect(crb.metadata.labels['clusterresourcebinding.karmada.io/permanent-id']).toMatch(/^id-/);
  });

  it('need the resource reference', async () => {
    expect(await refusedFields(RB, { ...binding(), spec: { replicas: 1 } })).toEqual(['spec.resource']);
    expect(await refusedFields(RB, { ...binding(), spec: { resource: { kind: 'Deployment' } } })).toEqual(['spec.resource.apiVersion', 'spec.resource.name']);
  });
});

describe('Work', () => {
  const work = (manifests: Obj[]): Obj => ({
    apiVersion: 'work.karmada.io/v1alpha1',
    kind: 'Work',
    metadata: { name: 'nginx-687f7fb96f', namespace: 'karmada-es-member1' },
    spec: { workload: { manifests } },
  });

  it('prunes manifests and stamps the permanent id and managed keys on them', async () => {
    const out = await admitted(
      WORK,
      work([
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'nginx', namespace: 'default', uid: 'u', resourceVersion: '5', generation: 2, labels: { app: 'nginx' }, annotations: { note: 'x' } },
          spec: { replicas: 1 },
          status: { replicas: 1 },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'] } },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'h' }, spec: { clusterIP: 'None' } },
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'j' },
          spec: { ttlSecondsAfterFinished: 10, selector: { matchLabels: { 'controller-uid': 'x' } }, template: { metadata: { labels: { 'controller-uid': 'x', 'job-name': 'j', app: 'j' } } } },
        },
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' }, secrets: [{ name: 'sa-token-abc' }, { name: 'pull' }] },
      ]),
    );
    const id = out.metadata.labels['work.karmada.io/permanent-id'];
    expect(id).toMatch(/^id-/);
    const [deploy, svc, headless, job, sa] = out.spec.workload.manifests;
    expect(deploy.metadata).toEqual({
      name: 'nginx',
      namespace: 'default',
      labels: { app: 'nginx', 'work.karmada.io/permanent-id': id },
      annotations: {
        note: 'x',
        'resourcetemplate.karmada.io/managed-annotations': 'note,resourcetemplate.karmada.io/managed-annotations,resourcetemplate.karmada.io/managed-labels',
        'resourcetemplate.karmada.io/managed-labels': 'app,work.karmada.io/permanent-id',
      },
    });
    expect(deploy.status).toBeUndefined();
    expect(svc.spec).toEqual({});
    expect(headless.spec).toEqual({ clusterIP: 'None' });
    expect(job.spec).toEqual({ selector: { matchLabels: {} }, template: { metadata: { labels: { app: 'j' } } } });
    expect(sa.secrets).toEqual([{ name: 'pull' }]);
    // Stamping is idempotent: a Work written back unchanged stays the same.
    expect(await admitted(WORK, out, { old: out as KubeObject })).toEqual(out);
  });
});

describe('WorkloadRebalancer', () => {
  const wr = (workloads: Obj[]): Obj => ({ apiVersion: 'apps.karmada.io/v1alpha1', kind: 'WorkloadRebalancer', metadata: { name: 'r' }, spec: { workloads } });
  it('needs at least one workload and never changes its spec', async () => {
    expect(await refusedFields(WR, wr([]))).toEqual(['spec.workloads']);
    const created = await admitted(WR, wr([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx', namespace: 'default' }]));
    await admitted(WR, { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } }, { old: created as KubeObject });
    const changed = { ...created, spec: { workloads: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'other' }] } };
    expect(await refusedFields(WR, changed, { old: created as KubeObject })).toEqual(['spec']);
  });
});
