import { describe, expect, it } from 'vitest';
import { negotiateDiscovery, negotiateRendering } from '../../functions/negotiation.js';
import { parseResourcePath } from '../../functions/request-info.js';
import { selectorString, scaleOf } from '../../shared/scale.js';
import { humanDuration } from '../../shared/time.js';
import { constantTimeEqual, sha256Hex, signServiceAccountToken, verifyServiceAccountToken } from '../../shared/service-account-token.js';

describe('resource paths', () => {
  it('parses kube’s URL shapes', () => {
    expect(parseResourcePath('/api/v1/namespaces')).toEqual({ group: '', version: 'v1', resource: 'namespaces', watch: false });
    expect(parseResourcePath('/api/v1/namespaces/ns1')).toEqual({ group: '', version: 'v1', resource: 'namespaces', name: 'ns1', watch: false });
    expect(parseResourcePath('/api/v1/namespaces/ns1/finalize')).toMatchObject({ resource: 'namespaces', name: 'ns1', subresource: 'finalize' });
    expect(parseResourcePath('/api/v1/namespaces/ns1/pods/p/status')).toEqual({
      group: '', version: 'v1', namespace: 'ns1', resource: 'pods', name: 'p', subresource: 'status', watch: false,
    });
    expect(parseResourcePath('/apis/apps/v1/watch/namespaces/a/deployments')).toEqual({ group: 'apps', version: 'v1', namespace: 'a', resource: 'deployments', watch: true });
    expect(parseResourcePath('/apis/apps/v1/deployments')).toMatchObject({ resource: 'deployments' });
    expect(parseResourcePath('/apis/apps/v1')).toBeUndefined();
    expect(parseResourcePath('/api/v1/a/b/c/d')).toBeUndefined();
  });
});

describe('content negotiation', () => {
  it('picks Table, metadata or plain objects', () => {
    expect(negotiateRendering('application/json;as=Table;v=v1;g=meta.k8s.io,application/json', 'list')).toEqual({ as: 'Table', version: 'v1' });
    expect(negotiateRendering('application/json;as=Table;v=v1beta1;g=meta.k8s.io', 'object')).toEqual({ as: 'Table', version: 'v1beta1' });
    expect(negotiateRendering('application/vnd.kubernetes.protobuf,application/json', 'object')).toEqual({ as: 'object' });
    expect(negotiateRendering('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io', 'list')).toEqual({ as: 'PartialObjectMetadataList', version: 'v1' });
    expect(negotiateRendering(undefined, 'watch')).toEqual({ as: 'object' });
    expect(() => negotiateRendering('application/json;as=Foo;v=v1;g=x', 'list')).toThrow(/media types/);
    expect(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json')).toBe('v2');
    expect(negotiateDiscovery('application/json')).toBe('legacy');
  });
});

describe('scale and ages', () => {
  it('renders selectors like kube', () => {
    expect(selectorString({ matchLabels: { b: '2', a: '1' } })).toBe('a=1,b=2');
    expect(selectorString({ matchExpressions: [{ key: 'x', operator: 'In', values: ['q', 'p'] }, { key: 'y', operator: 'DoesNotExist' }] })).toBe('x in (p,q),!y');
    expect(selectorString({ app: 'rc' })).toBe('app=rc');
    expect(scaleOf({ metadata: { name: 'd', namespace: 'n', resourceVersion: '3' }, spec: { replicas: 2 } })).toMatchObject({ spec: { replicas: 2 }, status: { replicas: 0, selector: '' } });
  });

  it('prints ages as kubectl does', () => {
    expect(humanDuration(5_000)).toBe('5s');
    expect(humanDuration(150_000)).toBe('2m30s');
    expect(humanDuration(45 * 60_000)).toBe('45m');
    expect(humanDuration(5 * 3600_000 + 60_000)).toBe('5h1m');
    expect(humanDuration(30 * 3600_000)).toBe('30h');
    expect(humanDuration(3 * 86400_000 + 3600_000)).toBe('3d1h');
    expect(humanDuration(400 * 86400_000)).toBe('400d');
  });
});

describe('service account tokens', () => {
  const claims = {
    iss: 'i', sub: 'system:serviceaccount:a:b', aud: ['i'], exp: 2000, iat: 1000, nbf: 1000,
    'kubernetes.io': { namespace: 'a', serviceaccount: { name: 'b', uid: 'u' } },
  };
  it('signs and verifies, rejecting tampering, other keys and expiry', async () => {
    const token = await signServiceAccountToken('k', claims);
    expect(await verifyServiceAccountToken('k', token, 1500)).toEqual(claims);
    expect(await verifyServiceAccountToken('other', token, 1500)).toBeUndefined();
    expect(await verifyServiceAccountToken('k', token, 2000)).toBeUndefined();
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'x' })).toString('base64url')}.${s}`;
    expect(await verifyServiceAccountToken('k', forged, 1500)).toBeUndefined();
    expect(await verifyServiceAccountToken('k', 'garbage', 1500)).toBeUndefined();
  });
  it('hashes and compares', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
