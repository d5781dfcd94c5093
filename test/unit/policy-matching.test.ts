import { describe, expect, it } from 'vitest';
import { clusterAffinityMismatch, clusterMatchesAffinity } from '../../shared/policy/cluster-affinity.js';
import { ImplicitPriority, resourceSelectorPriority } from '../../shared/policy/resource-selector.js';

const m1 = { metadata: { name: 'member1', labels: { location: 'east' } }, spec: { provider: 'sim', region: 'r1', zones: ['r1-a', 'r1-b'] } };
const m3 = { metadata: { name: 'member3' }, spec: { provider: 'sim', region: 'r2' } };

describe('cluster affinity (Karmada ClusterMatches)', () => {
  it('exclude wins over names and labels', () => {
    expect(clusterMatchesAffinity(m1, { clusterNames: ['member1'], exclude: ['member1'] })).toBe(false);
    expect(clusterAffinityMismatch(m1, { exclude: ['member1'] })).toMatch(/excluded/);
  });
  it('every set selector must match', () => {
    expect(clusterMatchesAffinity(m1, { labelSelector: { matchLabels: { location: 'east' } }, clusterNames: ['member1'] })).toBe(true);
    expect(clusterMatchesAffinity(m1, { labelSelector: { matchLabels: { location: 'west' } } })).toBe(false);
    expect(clusterMatchesAffinity(m1, { clusterNames: ['member2'] })).toBe(false);
    expect(clusterMatchesAffinity(m1, {})).toBe(true);
    expect(clusterMatchesAffinity(m1, undefined)).toBe(true);
  });
  it('field selector: region and provider as node selectors, zones all-in for In', () => {
    expect(clusterMatchesAffinity(m1, { fieldSelector: { matchExpressions: [{ key: 'region', operator: 'In', values: ['r1'] }] } })).toBe(true);
    expect(clusterMatchesAffinity(m3, { fieldSelector: { matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['r1'] }] } })).toBe(true);
    expect(clusterMatchesAffinity(m1, { fieldSelector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['r1-a'] }] } })).toBe(false);
    expect(clusterMatchesAffinity(m1, { fieldSelector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['r1-a', 'r1-b'] }] } })).toBe(true);
    // A cluster without zones matches no zone requirement, NotIn included.
    expect(clusterMatchesAffinity(m3, { fieldSelector: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['x'] }] } })).toBe(false);
  });
});

describe('resource selector priority', () => {
  const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'default', name: 'nginx', labels: { app: 'nginx' } } };
  it('name > label selector > kind only; mismatches are 0', () => {
    expect(resourceSelectorPriority(deploy, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx' })).toBe(ImplicitPriority.MatchName);
    expect(resourceSelectorPriority(deploy, { apiVersion: 'apps/v1', kind: 'Deployment', labelSelector: { matchLabels: { app: 'nginx' } } })).toBe(ImplicitPriority.MatchLabelSelector);
    expect(resourceSelectorPriority(deploy, { apiVersion: 'apps/v1', kind: 'Deployment' })).toBe(ImplicitPriority.MatchAll);
    expect(resourceSelectorPriority(deploy, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'other' })).toBe(ImplicitPriority.MisMatch);
    expect(resourceSelectorPriority(deploy, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'other' })).toBe(ImplicitPriority.MisMatch);
    expect(resourceSelectorPriority(deploy, { apiVersion: 'apps/v1beta1', kind: 'Deployment' })).toBe(ImplicitPriority.MisMatch);
  });
  it('a name makes the label selector irrelevant', () => {
    expect(resourceSelectorPriority(deploy, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx', labelSelector: { matchLabels: { app: 'x' } } })).toBe(ImplicitPriority.MatchName);
  });
});
