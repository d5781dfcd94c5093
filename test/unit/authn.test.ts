import { describe, expect, it } from 'vitest';
import { authenticateBootstrapToken, parseBootstrapToken } from '../../shared/authn/bootstrap-token.js';
import { impersonatedUser, impersonationChecks, parseImpersonation } from '../../shared/authn/impersonation.js';
import { legacyClaims, signLegacyToken, verifyLegacyToken } from '../../shared/authn/legacy-service-account-token.js';
import { ConcurrencyCounter, TokenBuckets } from '../../shared/limits/token-bucket.js';
import { auditEvent, shouldAudit } from '../../shared/audit/event.js';
import { resourceAttributes } from '../../shared/rbac/attributes.js';
import { normalizeSecret } from '../../shared/secrets.js';
import { isApiError } from '../../shared/status.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const NOW = Date.parse('2026-06-01T00:00:00Z');

function bootstrapSecret(data: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    type: 'bootstrap.kubernetes.io/token',
    metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
    ...extra,
  };
}

describe('bootstrap tokens', () => {
  const token = parseBootstrapToken('abcdef.0123456789abcdef')!;
  const good = { 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true' };

  it('parses only <6>.<16> lower-case alphanumerics', () => {
    expect(token).toEqual({ id: 'abcdef', secret: '0123456789abcdef' });
    for (const bad of ['abcdef.0123456789abcde', 'ABCDEF.0123456789abcdef', 'abcdef0123456789abcdef', 'abcdef.0123456789abcdef.x']) {
      expect(parseBootstrapToken(bad)).toBeUndefined();
    }
  });

  it('authenticates as system:bootstrap:<id> with the bootstrappers group and extra groups', () => {
    const r = authenticateBootstrapToken(token, bootstrapSecret({ ...good, 'auth-extra-groups': 'system:bootstrappers:flotilla:agents' }), NOW);
    expect(r).toEqual({
      user: { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:flotilla:agents', 'system:authenticated'] },
    });
  });

  it('refuses expired, mismatched, unusable, deleted and mistyped tokens', () => {
    const refuse = (secret: object | undefined) => expect('rejected' in authenticateBootstrapToken(token, secret as never, NOW)).toBe(true);
    refuse(undefined);
    refuse(bootstrapSecret({ ...good, expiration: '2026-05-31T23:59:59Z' }));
    refuse(bootstrapSecret({ ...good, 'token-secret': '0123456789abcdeX' }));
    refuse(bootstrapSecret({ ...good, 'token-id': 'zzzzzz' }));
    refuse(bootstrapSecret({ ...good, 'usage-bootstrap-authentication': 'false' }));
    refuse(bootstrapSecret({ ...good, 'auth-extra-groups': 'system:masters' }));
    refuse(bootstrapSecret(good, { type: 'Opaque' }));
    refuse(bootstrapSecret(good, { metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } }));
    expect('user' in authenticateBootstrapToken(token, bootstrapSecret({ ...good, expiration: '2026-06-02T00:00:00Z' }), NOW)).toBe(true);
  });
});

describe('legacy ServiceAccount tokens', () => {
  it('verify only with the key that signed them', async () => {
    const t = await signLegacyToken('k1', legacyClaims('ns', 'sa-token', { name: 'sa', uid: 'u' }));
    expect((await verifyLegacyToken('k1', t))?.sub).toBe('system:serviceaccount:ns:sa');
    expect(await verifyLegacyToken('k2', t)).toBeUndefined();
    const [h, , s] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ ...legacyClaims('ns', 'x', { name: 'admin', uid: 'u' }) })).toString('base64url');
    expect(await verifyLegacyToken('k1', `${h}.${forged}.${s}`)).toBeUndefined();
  });
});

describe('impersonation', () => {
  const headers = (pairs: Array<[string, string]>) => ({ entries: () => pairs });
  const actor = { username: 'alice', groups: ['system:authenticated'] };

  it('checks the impersonate verb on users, serviceaccounts, groups, extras and uids', () => {
    const req = parseImpersonation(headers([['Impersonate-User', 'bob'], ['Impersonate-Group', 'devs'], ['Impersonate-Extra-Scopes', 'view'], ['Impersonate-Uid', '42']]))!;
    expect(impersonationChecks(actor, req).map((a) => [a.verb, a.apiGroup, a.resource, a.subresource, a.name])).toEqual([
      ['impersonate', '', 'users', '', 'bob'],
      ['impersonate', '', 'groups', '', 'devs'],
      ['impersonate', 'authentication.k8s.io', 'userextras', 'scopes', 'view'],
      ['impersonate', 'authentication.k8s.io', 'uids', '', '42'],
    ]);
    expect(impersonatedUser(req)).toEqual({ username: 'bob', uid: '42', groups: ['devs', 'system:authenticated'], extra: { scopes: ['view'] } });
    const sa = parseImpersonation(headers([['impersonate-user', 'system:serviceaccount:ns:bot']]))!;
    expect(impersonationChecks(actor, sa)[0]).toMatchObject({ resource: 'serviceaccounts', namespace: 'ns', name: 'bot' });
    expect(impersonatedUser(sa).groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated']);
    expect(impersonatedUser(parseImpersonation(headers([['impersonate-user', 'system:anonymous']]))!).groups).toEqual(['system:unauthenticated']);
  });

  it('refuses groups without a user with a 400, and is absent without headers', () => {
    expect(parseImpersonation(headers([['authorization', 'x']]))).toBeUndefined();
    try {
      parseImpersonation(headers([['impersonate-group', 'system:masters']]));
      expect.unreachable();
    } catch (e) {
      expect(isApiError(e) && e.code).toBe(400);
      expect((e as Error).message).toBe('requested [group "system:masters"] without impersonating a user');
    }
  });
});

describe('limits', () => {
  it('token buckets allow a burst, then the rate, and say when to retry', () => {
    const b = new TokenBuckets({ qps: 2, burst: 3 });
    for (let i = 0; i < 3; i++) expect(b.take('u', 0).ok).toBe(true);
    expect(b.take('u', 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(b.take('other', 0).ok).toBe(true);
    expect(b.take('u', 500).ok).toBe(true);
    expect(b.take('u', 500).ok).toBe(false);
  });

  it('concurrency counters bound and release', () => {
    const c = new ConcurrencyCounter(2);
    expect(c.acquire('u') && c.acquire('u')).toBe(true);
    expect(c.acquire('u')).toBe(false);
    c.release('u');
    expect(c.acquire('u')).toBe(true);
    expect(c.count('u')).toBe(2);
  });
});

describe('audit events', () => {
  const user = { username: 'alice', groups: ['system:authenticated'] };
  it('records mutations and refusals, not successful reads', () => {
    expect(shouldAudit({ attributes: resourceAttributes(user, { verb: 'create', resource: 'secrets' }), method: 'POST', code: 201 })).toBe(true);
    expect(shouldAudit({ attributes: resourceAttributes(user, { verb: 'get', resource: 'secrets' }), method: 'GET', code: 200 })).toBe(false);
    expect(shouldAudit({ attributes: resourceAttributes(user, { verb: 'get', resource: 'secrets' }), method: 'GET', code: 403 })).toBe(true);
    expect(shouldAudit({ method: 'GET', code: 401 })).toBe(true);
  });

  it('carries who, what, where and the outcome, but never a body or a quoted 422 message', () => {
    const ev = auditEvent({
      auditID: 'id-1',
      requestURI: '/api/v1/namespaces/a/secrets',
      authenticated: user,
      attributes: resourceAttributes(user, { verb: 'create', resource: 'secrets', namespace: 'a', name: 's', apiVersion: 'v1' }),
      method: 'POST',
      code: 422,
      reason: 'Invalid',
      message: 'Secret "s" is invalid: data[x]: hunter2',
      receivedAt: 0,
      completedAt: 1,
    });
    expect(ev).toMatchObject({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      auditID: 'id-1',
      verb: 'create',
      user,
      objectRef: { resource: 'secrets', namespace: 'a', name: 's', apiVersion: 'v1' },
      responseStatus: { code: 422, status: 'Failure', reason: 'Invalid' },
      requestReceivedTimestamp: '1970-01-01T00:00:00.000000Z',
    });
    expect(JSON.stringify(ev)).not.toContain('hunter2');
  });
});

describe('Secret normalisation', () => {
  it('folds stringData into base64 data and defaults the type', () => {
    const s: Record<string, unknown> = { stringData: { password: 'hunter2' }, data: { user: b64('me') } };
    normalizeSecret(s, 's');
    expect(s).toEqual({ data: { user: b64('me'), password: b64('hunter2') }, type: 'Opaque' });
  });

  it('rejects bad base64 and bad keys without quoting values', () => {
    for (const bad of [{ data: { k: 'hunter2!' } }, { data: { 'bad key': b64('hunter2') } }, { stringData: { k: 5 } }]) {
      try {
        normalizeSecret(structuredClone(bad) as Record<string, unknown>, 's');
        expect.unreachable();
      } catch (e) {
        expect(isApiError(e)).toBe(true);
        expect(JSON.stringify((e as { status: unknown }).status)).not.toContain('hunter2');
        expect(JSON.stringify((e as { status: unknown }).status)).not.toContain(b64('hunter2'));
      }
    }
  });
});
