// How policies hold templates, driven with kubectl as a Karmada user writes them: which of
// several matching policies wins (S05), selectors edited and policies deleted (S06),
// dispatching suspended and resumed (S09), objects a member already has (S10) and lazy
// activation (S11). Observed in the members and in the control plane's bindings and Works.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlOk } from '../helpers/control-plane.js';
import { eventually, json, startKarmadaPlane, type KarmadaPlane, readyClusters } from '../helpers/karmada-e2e.js';
import { memberLane } from '../helpers/members.js';

interface Obj {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}
interface WorkList {
  items: Array<Obj & { spec: { workload?: { manifests?: Obj[] } } }>;
}

const MEMBERS = ['member1', 'member2', 'member3'];

async function memberGet(k: KarmadaPlane, member: string, kind: string, name: string, ns: string): Promise<Obj | undefined> {
  const r = await k.member(member, ['get', kind, name, '-n', ns, '-o', 'json'], { allowFail: true });
  return r.code === 0 ? json<Obj>(r) : undefined;
}

async function inMember(k: KarmadaPlane, member: string, kind: string, name: string, ns: string, ok: (o: Obj) => boolean = () => true, what = 'present'): Promise<Obj> {
  return eventually(`${kind} ${ns}/${name} in ${member}: ${what}`, async () => {
    const o = await memberGet(k, member, kind, name, ns);
    return o && ok(o) ? o : undefined;
  });
}

/** Which members hold the object, once the expected ones do (the others are read at that moment). */
async function holders(k: KarmadaPlane, kind: string, name: string, ns: string, expected: string[]): Promise<string[]> {
  for (const m of expected) await inMember(k, m, kind, name, ns);
  const out: string[] = [];
  for (const m of MEMBERS) if (await memberGet(k, m, kind, name, ns)) out.push(m);
  return out;
}

async function cpGet(k: KarmadaPlane, args: string[]): Promise<Obj | undefined> {
  const r = await k.cp.kubectl(['get', ...args, '-o', 'json'], { allowFail: true });
  return r.code === 0 ? json<Obj>(r) : undefined;
}

/** The Work in a cluster's execution namespace that carries the named manifest. */
async function workFor(k: KarmadaPlane, cluster: string, name: string, ns: string): Promise<WorkList['items'][number] | undefined> {
  const list = json<WorkList>(await k.cp.kubectl(['get', 'work', '-n', `karmada-es-${cluster}`, '-o', 'json']));
  return list.items.find((w) => w.spec.workload?.manifests?.some((m) => m.metadata.name === name && m.metadata.namespace === ns));
}

const condition = (o: Obj | undefined, type: string) => o?.status?.conditions?.find((c) => c.type === type);
const apply = (k: KarmadaPlane, yaml: string): Promise<string> => kubectlOk(k.cp, ['apply', '-f', '-'], { input: yaml });

function pp(name: string, ns: string, selectors: string, clusters: string[], extra = ''): string {
  return `
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: { name: ${name}, namespace: ${ns} }
spec:
${extra}
  resourceSelectors:
${selectors}
  placement:
    clusterAffinity: { clusterNames: [${clusters.join(', ')}] }
---`;
}

function configMap(name: string, ns: string, data: Record<string, string>, labels: Record<string, string> = {}): string {
  return `
apiVersion: v1
kind: ConfigMap
metadata: { name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)} }
data: ${JSON.stringify(data)}
---`;
}

describe(`propagation policies on ${memberLane()} members`, () => {
  let k: KarmadaPlane;

  beforeAll(async () => {
    k = await startKarmadaPlane();
    await readyClusters(k);
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('S05 picks the policy by explicit priority, then name > label selector > kind only, then name order; a PropagationPolicy beats a ClusterPropagationPolicy', async () => {
    await kubectlOk(k.cp, ['create', 'namespace', 's05']);
    await apply(
      k,
      [
        pp('x-name', 's05', '    - { apiVersion: v1, kind: ConfigMap, name: by-name }\n    - { apiVersion: v1, kind: ConfigMap, name: prio }', ['member1']),
        pp('y-label', 's05', '    - { apiVersion: v1, kind: ConfigMap, labelSelector: { matchLabels: { app: s05 } } }', ['member2']),
        pp('m-kind', 's05', '    - { apiVersion: v1, kind: ConfigMap }', ['member3']),
        pp('z-kind', 's05', '    - { apiVersion: v1, kind: ConfigMap }', MEMBERS),
        pp('p-high', 's05', '    - { apiVersion: v1, kind: ConfigMap, labelSelector: { matchLabels: { tier: high } } }', ['member1', 'member2'], '  priority: 5'),
        `
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: { name: s05-cluster-wide }
spec:
  priority: 100
  resourceSelectors:
    - { apiVersion: v1, kind: ConfigMap, namespace: s05, name: pp-vs-cpp }
  placement:
    clusterAffinity: { clusterNames: [member1, member2, member3] }
`,
      ].join('\n'),
    );
    await apply(
      k,
      [
        configMap('by-name', 's05', { v: '1' }, { app: 's05' }),
        configMap('by-label', 's05', { v: '1' }, { app: 's05' }),
        configMap('by-kind', 's05', { v: '1' }),
        configMap('prio', 's05', { v: '1' }, { app: 's05', tier: 'high' }),
        configMap('pp-vs-cpp', 's05', { v: '1' }),
      ].join('\n'),
    );
    expect(await holders(k, 'configmap', 'by-name', 's05', ['member1'])).toEqual(['member1']);
    expect(await holders(k, 'configmap', 'by-label', 's05', ['member2'])).toEqual(['member2']);
    expect(await holders(k, 'configmap', 'by-kind', 's05', ['member3'])).toEqual(['member3']);
    expect(await holders(k, 'configmap', 'prio', 's05', ['member1', 'member2'])).toEqual(['member1', 'member2']);
    expect(await holders(k, 'configmap', 'pp-vs-cpp', 's05', ['member3'])).toEqual(['member3']);
    const claimed = await cpGet(k, ['configmap', 'prio', '-n', 's05']);
    expect(claimed?.metadata.annotations?.['propagationpolicy.karmada.io/name']).toBe('p-high');
    const byKind = await cpGet(k, ['configmap', 'by-kind', '-n', 's05']);
    expect(byKind?.metadata.annotations?.['propagationpolicy.karmada.io/name']).toBe('m-kind');
    const ppVsCpp = await cpGet(k, ['configmap', 'pp-vs-cpp', '-n', 's05']);
    expect(ppVsCpp?.metadata.annotations?.['clusterpropagationpolicy.karmada.io/name']).toBeUndefined();
  });

  it('S06 claims and releases templates as selectors change; a deleted policy releases its templates and they keep running', async () => {
    await kubectlOk(k.cp, ['create', 'namespace', 's06']);
    const policy = (names: string[]) => pp('s06', 's06', names.map((n) => `    - { apiVersion: v1, kind: ConfigMap, name: ${n} }`).join('\n'), ['member1']);
    await apply(k, policy(['a']));
    await apply(k, [configMap('a', 's06', { v: '1' }), configMap('b', 's06', { v: '1' })].join('\n'));
    await inMember(k, 'member1', 'configmap', 'a', 's06');
    const claimedA = await cpGet(k, ['configmap', 'a', '-n', 's06']);
    expect(claimedA?.metadata.labels?.['propagationpolicy.karmada.io/permanent-id']).toBeTruthy();
    expect(claimedA?.metadata.annotations?.['propagationpolicy.karmada.io/name']).toBe('s06');
    expect((await cpGet(k, ['configmap', 'b', '-n', 's06']))?.metadata.labels?.['propagationpolicy.karmada.io/permanent-id']).toBeUndefined();

    await apply(k, policy(['b']));
    await inMember(k, 'member1', 'configmap', 'b', 's06');
    const releasedA = await eventually('a released', async () => {
      const a = await cpGet(k, ['configmap', 'a', '-n', 's06']);
      return a && !a.metadata.labels?.['propagationpolicy.karmada.io/permanent-id'] ? a : undefined;
    });
    expect(releasedA.metadata.annotations?.['propagationpolicy.karmada.io/name']).toBeUndefined();
    expect(releasedA.metadata.annotations?.['propagationpolicy.karmada.io/namespace']).toBeUndefined();
    expect((await cpGet(k, ['configmap', 'b', '-n', 's06']))?.metadata.annotations?.['propagationpolicy.karmada.io/name']).toBe('s06');

    await kubectlOk(k.cp, ['delete', 'propagationpolicy', 's06', '-n', 's06']);
    await eventually('b released', async () => {
      const b = await cpGet(k, ['configmap', 'b', '-n', 's06']);
      return b && !b.metadata.labels?.['propagationpolicy.karmada.io/permanent-id'] && !b.metadata.annotations?.['propagationpolicy.karmada.io/name'] ? b : undefined;
    });
    // Released templates keep running where they were.
    expect(await memberGet(k, 'member1', 'configmap', 'b', 's06')).toBeDefined();
    expect(await memberGet(k, 'member1', 'configmap', 'a', 's06')).toBeDefined();
  });

  it('S09 suspension.dispatching holds updates back (Dispatching False on the Works) and clearing it resumes; dispatchingOnClusters does it per cluster', async () => {
    const policy = (suspension: string) => pp('s09', 'default', '    - { apiVersion: v1, kind: ConfigMap, name: s09 }', ['member1', 'member2'], suspension);
    await apply(k, policy(''));
    await apply(k, configMap('s09', 'default', { v: '1' }));
    for (const m of ['member1', 'member2']) await inMember(k, m, 'configmap', 's09', 'default', (o) => o.data?.v === '1', 'v=1');

    await apply(k, policy('  suspension: { dispatching: true }'));
    for (const m of ['member1', 'member2']) {
      await eventually(`Work for s09 in ${m} not dispatching`, async () => {
        const w = await workFor(k, m, 's09', 'default');
        return condition(w, 'Dispatching')?.status === 'False' ? w : undefined;
      });
    }
    await apply(k, configMap('s09', 'default', { v: '2' }));
    // The Works carry the new data yet stay suspended; the members keep the old one.
    for (const m of ['member1', 'member2']) {
      const w = await eventually(`Work for s09 in ${m} carries v=2`, async () => {
        const w = await workFor(k, m, 's09', 'default');
        return w?.spec.workload?.manifests?.[0]?.data?.v === '2' ? w : undefined;
      });
      expect(condition(w, 'Dispatching')?.status).toBe('False');
      expect((await memberGet(k, m, 'configmap', 's09', 'default'))?.data?.v).toBe('1');
    }

    await apply(k, policy(''));
    for (const m of ['member1', 'member2']) await inMember(k, m, 'configmap', 's09', 'default', (o) => o.data?.v === '2', 'v=2 after resuming');

    await apply(k, policy('  suspension: { dispatchingOnClusters: { clusterNames: [member1] } }'));
    await eventually('Work for s09 in member1 not dispatching', async () => {
      const w = await workFor(k, 'member1', 's09', 'default');
      return condition(w, 'Dispatching')?.status === 'False' ? w : undefined;
    });
    await apply(k, configMap('s09', 'default', { v: '3' }));
    await inMember(k, 'member2', 'configmap', 's09', 'default', (o) => o.data?.v === '3', 'v=3');
    await eventually('Work for s09 in member1 carries v=3', async () => {
      const w = await workFor(k, 'member1', 's09', 'default');
      return w?.spec.workload?.manifests?.[0]?.data?.v === '3' ? w : undefined;
    });
    expect((await memberGet(k, 'member1', 'configmap', 's09', 'default'))?.data?.v).toBe('2');
    expect(condition(await workFor(k, 'member2', 's09', 'default'), 'Dispatching')?.status).toBe('True');
  });

  it('S10 leaves an object the member already has with Abort (Applied False, with the reason) and takes it over with Overwrite', async () => {
    await k.member('member1', ['create', 'configmap', 's10', '-n', 'default', '--from-literal=owner=member']);
    const policy = (mode: string) => pp('s10', 'default', '    - { apiVersion: v1, kind: ConfigMap, name: s10 }', ['member1'], `  conflictResolution: ${mode}`);
    await apply(k, policy('Abort'));
    await apply(k, configMap('s10', 'default', { owner: 'karmada' }));
    const refused = await eventually('Work for s10 Applied False', async () => {
      const w = await workFor(k, 'member1', 's10', 'default');
      return condition(w, 'Applied')?.status === 'False' ? w : undefined;
    });
    expect(condition(refused, 'Applied')?.message).toMatch(/not managed by Karmada/);
    const kept = await memberGet(k, 'member1', 'configmap', 's10', 'default');
    expect(kept?.data?.owner).toBe('member');
    expect(kept?.metadata.labels?.['karmada.io/managed']).toBeUndefined();

    await apply(k, policy('Overwrite'));
    const taken = await inMember(k, 'member1', 'configmap', 's10', 'default', (o) => o.data?.owner === 'karmada', 'taken over');
    expect(taken.metadata.labels?.['karmada.io/managed']).toBe('true');
    await eventually('Work for s10 Applied True', async () => {
      const w = await workFor(k, 'member1', 's10', 'default');
      return condition(w, 'Applied')?.status === 'True' ? w : undefined;
    });
  });

  it('S11 activationPreference Lazy: a policy change waits for the template to change', async () => {
    const lazy = (clusters: string[]) => pp('s11-lazy', 'default', '    - { apiVersion: v1, kind: ConfigMap, name: s11 }', clusters, '  activationPreference: Lazy');
    // A policy that takes changes at once, edited together with the lazy one, shows when the
    // detector has seen the edit.
    const eager = (clusters: string[]) => pp('s11-eager', 'default', '    - { apiVersion: v1, kind: ConfigMap, name: s11-witness }', clusters);
    await apply(k, lazy(['member1']) + eager(['member1']));
    await apply(k, configMap('s11', 'default', { v: '1' }) + configMap('s11-witness', 'default', { v: '1' }));
    await inMember(k, 'member1', 'configmap', 's11', 'default');
    await inMember(k, 'member1', 'configmap', 's11-witness', 'default');

    await apply(k, lazy(['member2']) + eager(['member2']));
    await inMember(k, 'member2', 'configmap', 's11-witness', 'default');
    const rb = await cpGet(k, ['rb', 's11-configmap', '-n', 'default']);
    expect((rb?.spec as { placement?: { clusterAffinity?: { clusterNames?: string[] } } }).placement?.clusterAffinity?.clusterNames).toEqual(['member1']);
    expect(await memberGet(k, 'member2', 'configmap', 's11', 'default')).toBeUndefined();
    expect(await memberGet(k, 'member1', 'configmap', 's11', 'default')).toBeDefined();

    await apply(k, configMap('s11', 'default', { v: '2' }));
    await inMember(k, 'member2', 'configmap', 's11', 'default', (o) => o.data?.v === '2', 'v=2');
    await eventually('s11 gone from member1', async () => ((await memberGet(k, 'member1', 'configmap', 's11', 'default')) ? undefined : true));
  });
});
