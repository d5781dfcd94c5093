// Karmada's detector choosing a policy for a template (S05), keeping a claim, preemption,
// and the claim marks it leaves on templates.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { choosePolicy, isReservedNamespace, type PolicyRef } from '../../shared/detector/policy-selection.js';
import { claimOf, samePolicy, withClaim } from '../../shared/detector/claim.js';
import type { ClusterPropagationPolicy, PropagationPolicy } from '../../shared/karmada/propagation-policy.js';
import type { ResourceSelector } from '../../shared/karmada/common.js';

const deployment = (name = 'nginx', labels: Record<string, string> = { app: 'nginx' }, namespace = 'default') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels },
});

const byName = (name = 'nginx'): ResourceSelector => ({ apiVersion: 'apps/v1', kind: 'Deployment', name });
const byLabel: ResourceSelector = { apiVersion: 'apps/v1', kind: 'Deployment', labelSelector: { matchLabels: { app: 'nginx' } } };
const byKind: ResourceSelector = { apiVersion: 'apps/v1', kind: 'Deployment' };

function pp(name: string, selectors: ResourceSelector[], extra: Partial<PropagationPolicy['spec']> = {}, namespace = 'default'): PropagationPolicy {
  return {
    apiVersion: 'policy.karmada.io/v1alpha1',
    kind: 'PropagationPolicy',
    metadata: { name, namespace, uid: `uid-pp-${name}`, labels: { 'propagationpolicy.karmada.io/permanent-id': `id-pp-${name}` } },
    spec: { resourceSelectors: selectors, ...extra },
  } as PropagationPolicy;
}

function cpp(name: string, selectors: ResourceSelector[], extra: Partial<ClusterPropagationPolicy['spec']> = {}): ClusterPropagationPolicy {
  return {
    apiVersion: 'policy.karmada.io/v1alpha1',
    kind: 'ClusterPropagationPolicy',
    metadata: { name, uid: `uid-cpp-${name}`, labels: { 'clusterpropagationpolicy.karmada.io/permanent-id': `id-cpp-${name}` } },
    spec: { resourceSelectors: selectors, ...extra },
  } as ClusterPropagationPolicy;
}

const ref = (kind: PolicyRef['kind'], name: string, namespace = kind === 'PropagationPolicy' ? 'default' : ''): PolicyRef => ({ kind, name, namespace });

describe('S05 policy choice', () => {
  it('a higher explicit priority wins over a more precise selector', () => {
    const chosen = choosePolicy(deployment(), [pp('by-name', [byName()]), pp('kind-only', [byKind], { priority: 5 })], []);
    expect(chosen?.ref).toEqual(ref('PropagationPolicy', 'kind-only'));
  });

  it('on equal priority a name selector beats a label selector beats kind only', () => {
    const all = [pp('c-kind', [byKind]), pp('b-label', [byLabel]), pp('a-name', [byName()])];
    expect(choosePolicy(deployment(), all, [])?.ref.name).toBe('a-name');
    expect(choosePolicy(deployment(), all.slice(0, 2), [])?.ref.name).toBe('b-label');
    // A name selector that names another template does not match at all.
    expect(choosePolicy(deployment(), [pp('other', [byName('web')]), pp('c-kind', [byKind])], [])?.ref.name).toBe('c-kind');
  });

  it('then the alphabetically first name', () => {
    const chosen = choosePolicy(deployment(), [pp('zeta', [byLabel]), pp('alpha', [byLabel]), pp('mid', [byLabel])], []);
    expect(chosen?.ref.name).toBe('alpha');
  });

  it('the most precise of a policy\'s selectors counts', () => {
    const chosen = choosePolicy(deployment(), [pp('a-label', [byLabel]), pp('b-mixed', [byKind, byName()])], []);
    expect(chosen?.ref.name).toBe('b-mixed');
  });

  it('a PropagationPolicy beats a ClusterPropagationPolicy whatever their priorities', () => {
    const chosen = choosePolicy(deployment(), [pp('low', [byKind], { priority: -3 })], [cpp('high', [byName()], { priority: 100 })]);
    expect(chosen?.ref).toEqual(ref('PropagationPolicy', 'low'));
    expect(choosePolicy(deployment(), [], [cpp('b', [byKind]), cpp('a', [byLabel])])?.ref).toEqual(ref('ClusterPropagationPolicy', 'a'));
  });

  it('a PropagationPolicy of another namespace, a deleting policy or a label mismatch does not match', () => {
    const other = pp('elsewhere', [byKind], {}, 'team');
    const deleting = { ...pp('going', [byKind]), metadata: { ...pp('going', [byKind]).metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
    expect(choosePolicy(deployment(), [other, deleting], [])).toBeUndefined();
    expect(choosePolicy(deployment('nginx', { app: 'web' }), [pp('label', [byLabel])], [])).toBeUndefined();
  });

  it('ClusterPropagationPolicies never reach into reserved namespaces', () => {
    expect(choosePolicy(deployment('x', {}, 'kube-system'), [], [cpp('all', [byKind])])).toBeUndefined();
    expect(choosePolicy(deployment('x', {}, 'karmada-es-member1'), [], [cpp('all', [byKind])])).toBeUndefined();
    expect(isReservedNamespace('karmada-system')).toBe(true);
    expect(isReservedNamespace('kube-anything')).toBe(true);
    expect(isReservedNamespace('default')).toBe(false);
    expect(isReservedNamespace(undefined)).toBe(false);
  });

  it('property: the choice does not depend on the order policies are listed in', () => {
    const selectors = [byName(), byLabel, byKind];
    const arb = fc.uniqueArray(
      fc.record({ name: fc.stringMatching(/^[a-z]{1,6}$/), sel: fc.integer({ min: 0, max: 2 }), priority: fc.integer({ min: -2, max: 2 }), cluster: fc.boolean() }),
      { selector: (p) => `${p.cluster}/${p.name}`, minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(arb, fc.integer(), (specs, seed) => {
        const pps = specs.filter((s) => !s.cluster).map((s) => pp(s.name, [selectors[s.sel]!], { priority: s.priority }));
        const cpps = specs.filter((s) => s.cluster).map((s) => cpp(s.name, [selectors[s.sel]!], { priority: s.priority }));
        const shuffle = <T>(xs: T[]): T[] => xs.map((x, i) => ({ x, k: (i * 7919 + seed) % 101 })).sort((a, b) => a.k - b.k).map((e) => e.x);
        const a = choosePolicy(deployment(), pps, cpps)?.ref;
        const b = choosePolicy(deployment(), shuffle(pps), shuffle(cpps))?.ref;
        expect(b).toEqual(a);
        if (pps.length) expect(a?.kind).toBe('PropagationPolicy');
      }),
    );
  });
});

describe('claims and preemption', () => {
  it('a claim is kept while its policy still matches, even when a better policy appears', () => {
    const held = ref('PropagationPolicy', 'z-kind');
    const chosen = choosePolicy(deployment(), [pp('z-kind', [byKind]), pp('a-name', [byName()], { priority: 10 })], [], held);
    expect(chosen?.ref).toEqual(held);
  });

  it('a claim whose policy no longer matches goes to the best fresh match', () => {
    const chosen = choosePolicy(deployment(), [pp('gone', [byName('web')]), pp('other', [byKind])], [], ref('PropagationPolicy', 'gone'));
    expect(chosen?.ref.name).toBe('other');
    expect(choosePolicy(deployment(), [], [], ref('PropagationPolicy', 'gone'))).toBeUndefined();
  });

  it('preemption: Always takes a template from a lower-priority PropagationPolicy, not from an equal or higher one', () => {
    const held = ref('PropagationPolicy', 'holder');
    const holder = pp('holder', [byKind], { priority: 1 });
    expect(choosePolicy(deployment(), [holder, pp('taker', [byName()], { priority: 2, preemption: 'Always' })], [], held)?.ref.name).toBe('taker');
    expect(choosePolicy(deployment(), [holder, pp('taker', [byName()], { priority: 1, preemption: 'Always' })], [], held)?.ref.name).toBe('holder');
    expect(choosePolicy(deployment(), [holder, pp('taker', [byName()], { priority: 2, preemption: 'Never' })], [], held)?.ref.name).toBe('holder');
  });

  it('a PropagationPolicy with preemption takes a template from any ClusterPropagationPolicy; a ClusterPropagationPolicy never takes one from a PropagationPolicy', () => {
    const fromCpp = choosePolicy(deployment(), [pp('taker', [byName()], { priority: -5, preemption: 'Always' })], [cpp('holder', [byKind], { priority: 50 })], ref('ClusterPropagationPolicy', 'holder'));
    expect(fromCpp?.ref).toEqual(ref('PropagationPolicy', 'taker'));
    const fromPp = choosePolicy(deployment(), [pp('holder', [byKind])], [cpp('taker', [byName()], { priority: 50, preemption: 'Always' })], ref('PropagationPolicy', 'holder'));
    expect(fromPp?.ref).toEqual(ref('PropagationPolicy', 'holder'));
    const cppFromCpp = choosePolicy(deployment(), [], [cpp('holder', [byKind], { priority: 1 }), cpp('taker', [byName()], { priority: 3, preemption: 'Always' })], ref('ClusterPropagationPolicy', 'holder'));
    expect(cppFromCpp?.ref.name).toBe('taker');
  });

  it('among several preemptors the best one wins', () => {
    const held = ref('PropagationPolicy', 'holder');
    const chosen = choosePolicy(
      deployment(),
      [pp('holder', [byKind]), pp('b', [byName()], { priority: 3, preemption: 'Always' }), pp('a', [byLabel], { priority: 3, preemption: 'Always' }), pp('c', [byKind], { priority: 4, preemption: 'Always' })],
      [],
      held,
    );
    expect(chosen?.ref.name).toBe('c');
  });
});

describe('claim marks', () => {
  const chosenPP = choosePolicy(deployment(), [pp('nginx-pp', [byKind])], [])!;
  const chosenCPP = choosePolicy(deployment(), [], [cpp('all', [byKind])])!;

  it('a PropagationPolicy stamps its permanent id, name and namespace, and they read back', () => {
    const meta = withClaim({ name: 'nginx', namespace: 'default', labels: { app: 'nginx' } }, chosenPP);
    expect(meta.labels).toEqual({ app: 'nginx', 'propagationpolicy.karmada.io/permanent-id': 'id-pp-nginx-pp' });
    expect(meta.annotations).toEqual({ 'propagationpolicy.karmada.io/namespace': 'default', 'propagationpolicy.karmada.io/name': 'nginx-pp' });
    expect(claimOf({ metadata: meta })).toEqual(ref('PropagationPolicy', 'nginx-pp'));
  });

  it('switching to a ClusterPropagationPolicy removes the PropagationPolicy\'s marks', () => {
    const first = withClaim({ name: 'nginx', namespace: 'default' }, chosenPP);
    const meta = withClaim(first, chosenCPP);
    expect(meta.labels).toEqual({ 'clusterpropagationpolicy.karmada.io/permanent-id': 'id-cpp-all' });
    expect(meta.annotations).toEqual({ 'clusterpropagationpolicy.karmada.io/name': 'all' });
    expect(claimOf({ metadata: meta })).toEqual(ref('ClusterPropagationPolicy', 'all'));
  });

  it('a release removes every mark and leaves the rest; a template without marks has no claim', () => {
    const claimed = withClaim({ name: 'nginx', namespace: 'default', labels: { app: 'nginx' }, annotations: { note: 'x' } }, chosenPP);
    const released = withClaim(claimed, undefined);
    expect(released).toEqual({ name: 'nginx', namespace: 'default', labels: { app: 'nginx' }, annotations: { note: 'x' } });
    expect(withClaim(withClaim({ name: 'n' }, chosenCPP), undefined)).toEqual({ name: 'n' });
    expect(claimOf({ metadata: released })).toBeUndefined();
    // A label alone (no name annotation) is not a claim.
    expect(claimOf({ metadata: { labels: { 'propagationpolicy.karmada.io/permanent-id': 'x' } } })).toBeUndefined();
  });

  it('a policy without a permanent id label is identified by its uid', () => {
    const bare = pp('bare', [byKind]);
    delete bare.metadata.labels;
    const c = choosePolicy(deployment(), [bare], [])!;
    expect(withClaim({ name: 'nginx' }, c).labels?.['propagationpolicy.karmada.io/permanent-id']).toBe('uid-pp-bare');
  });

  it('samePolicy compares kind, namespace and name', () => {
    expect(samePolicy(ref('PropagationPolicy', 'a'), ref('PropagationPolicy', 'a'))).toBe(true);
    expect(samePolicy(ref('PropagationPolicy', 'a'), ref('ClusterPropagationPolicy', 'a', 'default'))).toBe(false);
    expect(samePolicy(ref('PropagationPolicy', 'a'), ref('PropagationPolicy', 'a', 'team'))).toBe(false);
    expect(samePolicy(undefined, ref('PropagationPolicy', 'a'))).toBe(false);
  });
});
