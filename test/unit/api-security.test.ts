import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditSink } from '../../functions/audit.js';
import { RequestLimiter } from '../../functions/limits.js';
import { ensureBootstrap } from '../../functions/app.js';
import { startApi, readEvents, type TestApi } from './api-helpers.js';

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const b64 = (s: string) => Buffer.from(s).toString('base64');

let api: TestApi;
const audit = new MemoryAuditSink();
let saToken = '';

async function as(token: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { ...headers };
  if (token !== undefined) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] ??= method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  const res = await api.app.request(path, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

async function mintToken(ns: string, sa: string, spec: object = {}): Promise<string> {
  const r = await api.json('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec });
  expect(r.status).toBe(201);
  return r.body.status.token;
}

const canI = (token: string, resourceAttributes: object) =>
  as(token, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } });

beforeAll(async () => {
  api = await startApi({ limits: { rate: { qps: 1000, burst: 1000 }, maxWatchesPerUser: 2 } }, { audit });
  await api.req('POST', '/api/v1/namespaces', { metadata: { name: 'team' } });
  await api.req('POST', '/api/v1/namespaces/team/serviceaccounts', { metadata: { name: 'bot' } });
  await api.req('POST', `${RBAC}/namespaces/team/rolebindings`, {
    metadata: { name: 'bot-view' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'team' }],
  });
  await api.req('POST', '/api/v1/namespaces/team/configmaps', { metadata: { name: 'settings' }, data: { a: 'b' } });
  await api.req('POST', '/api/v1/namespaces/team/secrets', { metadata: { name: 'creds' }, stringData: { password: 'hunter2' } });
  saToken = await mintToken('team', 'bot');
}, 60_000);
afterAll(() => api.close());

describe('default RBAC', () => {
  it('is bootstrapped idempotently: a second run writes nothing', async () => {
    const before = await api.store.currentRevision();
    await ensureBootstrap(api.store);
    expect(await api.store.currentRevision()).toBe(before);
    const view = (await api.json('GET', `${RBAC}/clusterroles/view`)).body;
    expect(view.aggregationRule.clusterRoleSelectors).toEqual([{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }]);
    expect(view.rules.length).toBeGreaterThan(5);
    const crb = (await api.json('GET', `${RBAC}/clusterrolebindings/cluster-admin`)).body;
    expect(crb.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }]);
  });

  it('puts back what was taken from an autoupdate role, but leaves roles that opted out alone', async () => {
    await api.req('DELETE', `${RBAC}/clusterroles/system:basic-user`);
    const pub = (await api.json('GET', `${RBAC}/clusterroles/system:public-info-viewer`)).body;
    await api.req('PUT', `${RBAC}/clusterroles/system:public-info-viewer`, { ...pub, rules: [] });
    await ensureBootstrap(api.store);
    expect((await api.json('GET', `${RBAC}/clusterroles/system:basic-user`)).status).toBe(200);
    expect((await api.json('GET', `${RBAC}/clusterroles/system:public-info-viewer`)).body.rules).toEqual(pub.rules);
    const disc = (await api.json('GET', `${RBAC}/clusterroles/system:discovery`)).body;
    disc.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'] = 'false';
    await api.req('PUT', `${RBAC}/clusterroles/system:discovery`, { ...disc, rules: [{ verbs: ['get'], nonResourceURLs: ['/version'] }] });
    await ensureBootstrap(api.store);
    expect((await api.json('GET', `${RBAC}/clusterroles/system:discovery`)).body.rules).toEqual([{ verbs: ['get'], nonResourceURLs: ['/version'] }]);
    disc.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'] = 'true';
    const cur = (await api.json('GET', `${RBAC}/clusterroles/system:discovery`)).body;
    await api.req('PUT', `${RBAC}/clusterroles/system:discovery`, { ...cur, metadata: { ...cur.metadata, annotations: disc.metadata.annotations } });
    await ensureBootstrap(api.store);
    expect((await api.json('GET', `${RBAC}/clusterroles/system:discovery`)).body.rules[1].nonResourceURLs).toContain('/apis/*');
  });
});

describe('a ServiceAccount bound to view', () => {
  it('may get and list but not create, and is told so in kube-apiserver words', async () => {
    expect((await as(saToken, 'GET', '/api/v1/namespaces/team/configmaps/settings')).status).toBe(200);
    expect((await as(saToken, 'GET', '/api/v1/namespaces/team/configmaps')).status).toBe(200);
    const created = await as(saToken, 'POST', '/api/v1/namespaces/team/configmaps', { metadata: { name: 'x' } });
    expect(created.status).toBe(403);
    expect(created.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      message: 'configmaps is forbidden: User "system:serviceaccount:team:bot" cannot create resource "configmaps" in API group "" in the namespace "team"',
      details: { kind: 'configmaps' },
    });
    expect((await api.json('GET', '/api/v1/namespaces/team/configmaps/x')).status).toBe(404);
  });

  it('reads no secrets, lists nothing cluster-wide, and may not touch other namespaces', async () => {
    const secret = await as(saToken, 'GET', '/api/v1/namespaces/team/secrets/creds');
    expect(secret.status).toBe(403);
    expect(secret.body.message).toBe('secrets "creds" is forbidden: User "system:serviceaccount:team:bot" cannot get resource "secrets" in API group "" in the namespace "team"');
    expect(JSON.stringify(secret.body)).not.toContain(b64('hunter2'));
    expect((await as(saToken, 'GET', '/api/v1/configmaps')).status).toBe(403);
    expect((await as(saToken, 'GET', '/api/v1/namespaces/default/configmaps')).status).toBe(403);
    // Reading its own namespace object is what view's namespaced "namespaces" rule is for.
    expect((await as(saToken, 'GET', '/api/v1/namespaces/team')).status).toBe(200);
    expect((await as(saToken, 'GET', '/api/v1/namespaces/default')).status).toBe(403);
    // Discovery is open to every authenticated user.
    expect((await as(saToken, 'GET', '/apis')).status).toBe(200);
  });

  it('hears the truth from auth can-i, can-i --list and whoami', async () => {
    expect((await canI(saToken, { namespace: 'team', verb: 'get', resource: 'configmaps' })).body.status).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "bot-view/team" of ClusterRole "view" to ServiceAccount "bot/team"',
    });
    expect((await canI(saToken, { namespace: 'team', verb: 'create', resource: 'configmaps' })).body.status).toEqual({ allowed: false });
    expect((await canI(saToken, { namespace: 'team', verb: 'get', resource: 'secrets' })).body.status.allowed).toBe(false);
    const rules = await as(saToken, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { spec: { namespace: 'team' } });
    expect(rules.status).toBe(201);
    expect(rules.body.status.incomplete).toBe(false);
    expect(rules.body.status.resourceRules.some((r: any) => r.resources.includes('configmaps') && r.verbs.includes('list'))).toBe(true);
    expect(rules.body.status.resourceRules.some((r: any) => r.resources.includes('secrets'))).toBe(false);
    const who = await as(saToken, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { spec: {} });
    expect(who.body.status.userInfo).toMatchObject({
      username: 'system:serviceaccount:team:bot',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'],
    });
  });

  it('subject access reviews answer for others, for those allowed to ask', async () => {
    const sar = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'system:serviceaccount:team:bot', resourceAttributes: { namespace: 'team', verb: 'list', resource: 'pods' } } };
    const r = await api.json('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', sar);
    expect(r.status).toBe(201);
    // The SAR names no groups, so only bindings to the user name apply: the ServiceAccount subject matches by name.
    expect(r.body.status.allowed).toBe(true);
    expect((await as(saToken, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', sar)).status).toBe(403);
    const invalid = await api.json('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.message).toBe('SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
    const local = await api.json('POST', '/apis/authorization.k8s.io/v1/namespaces/team/localsubjectaccessreviews', {
      spec: { user: 'system:serviceaccount:team:bot', resourceAttributes: { verb: 'delete', resource: 'pods' } },
    });
    expect(local.body.status).toEqual({ allowed: false });
    expect(local.body.spec.resourceAttributes.namespace).toBe('team');
    const mismatch = await api.json('POST', '/apis/authorization.k8s.io/v1/namespaces/team/localsubjectaccessreviews', {
      spec: { user: 'u', resourceAttributes: { namespace: 'other', verb: 'get', resource: 'pods' } },
    });
    expect(mismatch.status).toBe(400);
  });
});

describe('authentication', () => {
  it('lets anonymous callers reach only health and version; everything else is 401', async () => {
    expect((await as(undefined, 'GET', '/version')).status).toBe(200);
    expect((await as(undefined, 'GET', '/healthz')).status).toBe(200);
    expect((await as(undefined, 'GET', '/readyz')).status).toBe(200);
    for (const path of ['/api', '/apis', '/api/v1/namespaces', '/openapi/v2']) {
      const r = await as(undefined, 'GET', path);
      expect(r.status, path).toBe(401);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    }
    expect((await as('not-a-token', 'GET', '/version')).status).toBe(401);
  });

  it('TokenRequest tokens are bound to their audience and expire', async () => {
    const other = await mintToken('team', 'bot', { audiences: ['https://vault.example'] });
    expect((await as(other, 'GET', '/api/v1/namespaces/team/configmaps')).status).toBe(401);
    const review = await api.json('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: other, audiences: ['https://vault.example'] } });
    expect(review.body.status).toMatchObject({ authenticated: true, user: { username: 'system:serviceaccount:team:bot' }, audiences: ['https://vault.example'] });
    expect(review.body.spec.token).toBeUndefined();
    const self = await api.json('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: other } });
    expect(self.body.status.authenticated).toBe(false);
    const [h, p, s] = saToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86400 * 365 })).toString('base64url');
    expect((await as(`${h}.${forged}.${s}`, 'GET', '/api/v1/namespaces/team/configmaps')).status).toBe(401);
  });

  it('bootstrap tokens authenticate as system:bootstrap:<id> until they expire', async () => {
    const mk = (id: string, expiration: string) =>
      api.req('POST', '/api/v1/namespaces/kube-system/secrets', {
        metadata: { name: `bootstrap-token-${id}` },
        type: 'bootstrap.kubernetes.io/token',
        stringData: { 'token-id': id, 'token-secret': '0123456789abcdef', expiration, 'usage-bootstrap-authentication': 'true', 'auth-extra-groups': 'system:bootstrappers:flotilla' },
      });
    expect((await mk('abcdef', new Date(Date.now() + 3600_000).toISOString())).status).toBe(201);
    expect((await mk('expird', new Date(Date.now() - 1000).toISOString())).status).toBe(201);
    const stored = (await api.json('GET', '/api/v1/namespaces/kube-system/secrets/bootstrap-token-abcdef')).body;
    expect(stored.stringData).toBeUndefined();
    expect(Buffer.from(stored.data['token-id'], 'base64').toString()).toBe('abcdef');
    const who = await as('abcdef.0123456789abcdef', 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { spec: {} });
    expect(who.status).toBe(201);
    expect(who.body.status.userInfo).toEqual({ username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:flotilla', 'system:authenticated'] });
    expect((await as('expird.0123456789abcdef', 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { spec: {} })).status).toBe(401);
    expect((await as('abcdef.0123456789abcdeX', 'GET', '/api')).status).toBe(401);
  });
});

describe('impersonation', () => {
  it('needs the impersonate verb, and then acts as the impersonated user', async () => {
    const denied = await as(saToken, 'GET', '/api/v1/namespaces/team/pods', undefined, { 'Impersonate-User': 'someone' });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('users "someone" is forbidden: User "system:serviceaccount:team:bot" cannot impersonate resource "users" in API group "" at the cluster scope');
    await api.req('POST', `${RBAC}/clusterroles`, { metadata: { name: 'impersonate-someone' }, rules: [{ verbs: ['impersonate'], apiGroups: [''], resources: ['users'], resourceNames: ['someone'] }] });
    await api.req('POST', `${RBAC}/clusterrolebindings`, {
      metadata: { name: 'bot-impersonates' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'impersonate-someone' },
      subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'team' }],
    });
    const who = await as(saToken, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { spec: {} }, { 'Impersonate-User': 'someone' });
    expect(who.status).toBe(201);
    expect(who.body.status.userInfo).toEqual({ username: 'someone', groups: ['system:authenticated'] });
    // "someone" has no rights of its own: impersonation gives exactly the impersonated user's.
    const asSomeone = await as(saToken, 'GET', '/api/v1/namespaces/team/configmaps', undefined, { 'Impersonate-User': 'someone' });
    expect(asSomeone.status).toBe(403);
    expect(asSomeone.body.message).toContain('User "someone" cannot list resource "configmaps"');
    const group = await as(saToken, 'GET', '/api', undefined, { 'Impersonate-User': 'someone', 'Impersonate-Group': 'system:masters' });
    expect(group.status).toBe(403);
    expect(group.body.message).toBe('groups "system:masters" is forbidden: User "system:serviceaccount:team:bot" cannot impersonate resource "groups" in API group "" at the cluster scope');
    const noUser = await as(saToken, 'GET', '/api', undefined, { 'Impersonate-Group': 'system:masters' });
    expect(noUser.status).toBe(400);
    // The admin may impersonate anyone, ServiceAccounts included.
    const adminAsBot = await api.json('GET', '/api/v1/namespaces/team/secrets', undefined, { 'Impersonate-User': 'system:serviceaccount:team:bot' });
    expect(adminAsBot.status).toBe(403);
  });
});

describe('audit', () => {
  it('records every change and every refusal with who, what and the outcome, never bodies or Secret data', async () => {
    audit.events.length = 0;
    const r = await api.req('POST', '/api/v1/namespaces/team/secrets', { metadata: { name: 'audited' }, stringData: { token: 'hunter2' } }, { 'Audit-ID': 'my-request-1' });
    expect(r.status).toBe(201);
    expect(r.headers.get('audit-id')).toBe('my-request-1');
    await as(saToken, 'DELETE', '/api/v1/namespaces/team/configmaps/settings');
    await as(saToken, 'GET', '/api/v1/namespaces/team/configmaps/settings');
    await as('bogus', 'GET', '/api');
    await as(saToken, 'GET', '/api/v1/namespaces/team/pods', undefined, { 'Impersonate-User': 'nobody' });
    expect(audit.events.map((e) => [e.verb, e.objectRef?.resource ?? e.requestURI, e.responseStatus.code])).toEqual([
      ['create', 'secrets', 201],
      ['delete', 'configmaps', 403],
      ['get', '/api', 401],
      ['list', 'pods', 403],
    ]);
    const [created, denied, unauth, impersonation] = audit.events;
    expect(created).toMatchObject({
      auditID: 'my-request-1',
      user: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      objectRef: { resource: 'secrets', namespace: 'team', apiVersion: 'v1' },
      stage: 'ResponseComplete',
    });
    expect(denied).toMatchObject({
      user: { username: 'system:serviceaccount:team:bot' },
      objectRef: { resource: 'configmaps', namespace: 'team', name: 'settings' },
      responseStatus: { code: 403, reason: 'Forbidden' },
      annotations: { 'authorization.k8s.io/decision': 'forbid' },
    });
    expect(unauth!.user).toEqual({ username: '', groups: [] });
    expect(impersonation!.responseStatus.message).toContain('cannot impersonate resource "users"');
    const all = JSON.stringify(audit.events);
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain(b64('hunter2'));
  });
});

describe('limits', () => {
  it('refuses objects larger than the storage limit without storing anything', async () => {
    const big = 'x'.repeat(1_600_000);
    const r = await api.json('POST', '/api/v1/namespaces/team/configmaps', { metadata: { name: 'big' }, data: { big } });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ reason: 'RequestEntityTooLarge', message: 'Request entity too large: etcdserver: request is too large' });
    expect((await api.json('GET', '/api/v1/namespaces/team/configmaps/big')).status).toBe(404);
    await api.req('POST', '/api/v1/namespaces/team/configmaps', { metadata: { name: 'grow' }, data: { a: 'b' } });
    const grown = await api.json('PATCH', '/api/v1/namespaces/team/configmaps/grow', { data: { big } });
    expect(grown.status).toBe(413);
    expect((await api.json('GET', '/api/v1/namespaces/team/configmaps/grow')).body.data).toEqual({ a: 'b' });
    const body = await api.json('POST', '/api/v1/namespaces/team/configmaps', { metadata: { name: 'huge' }, data: { big: 'x'.repeat(3_200_000) } });
    expect(body.status).toBe(413);
    expect(body.body.message).toBe('Request entity too large: limit is 3145728');
  });

  it('bounds open watches per user and frees a slot when a watch ends', async () => {
    const open = () => api.app.request('/api/v1/namespaces/team/configmaps?watch=true&timeoutSeconds=30', { headers: { authorization: `Bearer ${saToken}` } });
    const w1 = await open();
    const w2 = await open();
    expect([w1.status, w2.status]).toEqual([200, 200]);
    const third = await open();
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('5');
    expect((await third.json()).reason).toBe('TooManyRequests');
    const { reader } = await readEvents(w1, (evs) => evs.length >= 1);
    await reader.cancel();
    const deadline = Date.now() + 5000;
    let again = await open();
    while (again.status === 429 && Date.now() < deadline) {
      await again.body?.cancel();
      await new Promise((r) => setTimeout(r, 20));
      again = await open();
    }
    expect(again.status).toBe(200);
    await again.body?.cancel();
    await w2.body?.cancel();
    // The admin (system:masters) is never limited.
    const adminWatches = await Promise.all([1, 2, 3].map(() => api.req('GET', '/api/v1/namespaces/team/configmaps?watch=true&timeoutSeconds=1')));
    expect(adminWatches.map((w) => w.status)).toEqual([200, 200, 200]);
    await Promise.all(adminWatches.map((w) => w.body?.cancel()));
  });

  it('rate-limits each user with 429 and Retry-After, per instance', async () => {
    const limited = await startApi({ limits: { rate: { qps: 1, burst: 3 } } });
    try {
      await limited.req('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'r' } });
      const tr = await limited.json('POST', '/api/v1/namespaces/default/serviceaccounts/r/token', { spec: {} });
      const token = tr.body.status.token;
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 5; i++) {
        last = await limited.app.request('/api', { headers: { authorization: `Bearer ${token}` } });
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses[4]).toBe(429);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await last!.json()).message).toBe('Too many requests, please try again later.');
      for (let i = 0; i < 10; i++) expect((await limited.req('GET', '/api')).status).toBe(200);
    } finally {
      limited.close();
    }
  });

  it('keeps the limiter a caller hands in across apps (one per isolate)', () => {
    const limiter = new RequestLimiter({ rate: false, maxWatchesPerUser: 1 });
    expect(limiter.rate).toBeUndefined();
    expect(limiter.watches.acquire('u')).toBe(true);
    expect(limiter.watches.acquire('u')).toBe(false);
  });
});

describe('RBAC object admission', () => {
  it('defaults API groups, validates rules and bindings, and keeps roleRef immutable', async () => {
    const rb = await api.json('POST', `${RBAC}/namespaces/team/rolebindings`, {
      metadata: { name: 'defaulted' },
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', name: 'carol' }],
    });
    expect(rb.status).toBe(201);
    expect(rb.body.roleRef.apiGroup).toBe('rbac.authorization.k8s.io');
    expect(rb.body.subjects[0].apiGroup).toBe('rbac.authorization.k8s.io');
    const changed = await api.json('PATCH', `${RBAC}/namespaces/team/rolebindings/defaulted`, { roleRef: { name: 'edit' } });
    expect(changed.status).toBe(422);
    expect(changed.body.message).toContain('roleRef: Invalid value');
    expect(changed.body.message).toContain('cannot change roleRef');
    const badKind = await api.json('POST', `${RBAC}/clusterrolebindings`, {
      metadata: { name: 'bad' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' },
      subjects: [{ kind: 'ServiceAccount', name: 'bot' }, { kind: 'Robot', name: 'r' }],
    });
    expect(badKind.status).toBe(422);
    expect(badKind.body.message).toBe(
      'ClusterRoleBinding.rbac.authorization.k8s.io "bad" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].namespace: Required value, subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"]',
    );
    const badRole = await api.json('POST', `${RBAC}/namespaces/team/roles`, {
      metadata: { name: 'bad' },
      rules: [{ verbs: [], resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/metrics'] }],
    });
    expect(badRole.status).toBe(422);
    expect(badRole.body.details.causes.map((c: any) => c.field)).toEqual(['rules[0].verbs', 'rules[0].apiGroups', 'rules[1].nonResourceURLs']);
  });
});

describe('RBAC escalation prevention', () => {
  it('grants only what the writer holds, unless it may escalate or bind', async () => {
    await api.req('POST', '/api/v1/namespaces', { metadata: { name: 'esc' } });
    await api.req('POST', '/api/v1/namespaces/esc/serviceaccounts', { metadata: { name: 'lead' } });
    await api.req('POST', `${RBAC}/namespaces/esc/roles`, {
      metadata: { name: 'rbac-writer' },
      rules: [
        { verbs: ['create', 'update', 'patch', 'get'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'] },
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] },
      ],
    });
    await api.req('POST', `${RBAC}/namespaces/esc/rolebindings`, {
      metadata: { name: 'lead-rbac' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'rbac-writer' },
      subjects: [{ kind: 'ServiceAccount', name: 'lead' }],
    });
    const lead = await mintToken('esc', 'lead');
    const role = (name: string, rules: object[]) => as(lead, 'POST', `${RBAC}/namespaces/esc/roles`, { metadata: { name }, rules });
    const bindTo = (name: string, kind: string, role: string) =>
      as(lead, 'POST', `${RBAC}/namespaces/esc/rolebindings`, { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: role }, subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'friend' }] });

    expect((await role('cm-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }])).status).toBe(201);
    const grab = await role('secret-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'] }, { verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }]);
    expect(grab.status).toBe(403);
    expect(grab.body.message).toBe(
      'roles.rbac.authorization.k8s.io "secret-reader" is forbidden: user "system:serviceaccount:esc:lead" (groups=["system:serviceaccounts" "system:serviceaccounts:esc" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
    );
    expect((await bindTo('friend-cm', 'Role', 'cm-reader')).status).toBe(201);
    const admin = await bindTo('friend-admin', 'ClusterRole', 'cluster-admin');
    expect(admin.status).toBe(403);
    expect(admin.body.message).toContain('rolebindings.rbac.authorization.k8s.io "friend-admin" is forbidden: user "system:serviceaccount:esc:lead"');
    expect((await bindTo('friend-ghost', 'Role', 'ghost')).status).toBe(400);
    // Widening an existing role is an update, checked the same way.
    const widen = await as(lead, 'PATCH', `${RBAC}/namespaces/esc/roles/cm-reader`, { rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] });
    expect(widen.status).toBe(403);

    // `bind` on one ClusterRole lets it bind that one; `escalate` on roles lets it write any rule.
    await api.req('POST', `${RBAC}/namespaces/esc/roles`, {
      metadata: { name: 'binder' },
      rules: [
        { verbs: ['bind'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['edit'] },
        { verbs: ['escalate'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] },
      ],
    });
    await api.req('POST', `${RBAC}/namespaces/esc/rolebindings`, {
      metadata: { name: 'lead-binder' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'binder' },
      subjects: [{ kind: 'ServiceAccount', name: 'lead' }],
    });
    expect((await bindTo('friend-edit', 'ClusterRole', 'edit')).status).toBe(201);
    expect((await bindTo('friend-admin2', 'ClusterRole', 'admin')).status).toBe(403);
    expect((await role('secret-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }])).status).toBe(201);
    // The admin is never held back.
    expect((await api.json('POST', `${RBAC}/namespaces/esc/rolebindings`, { metadata: { name: 'x' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [] })).status).toBe(201);
  });
});

describe('bound ServiceAccount tokens', () => {
  it('a token bound to a Secret stops working when the Secret goes', async () => {
    const s = await api.json('POST', '/api/v1/namespaces/team/secrets', { metadata: { name: 'anchor' }, type: 'Opaque' });
    const ref = { apiVersion: 'v1', kind: 'Secret', name: 'anchor' };
    const res = await api.json('POST', '/api/v1/namespaces/team/serviceaccounts/bot/token', { spec: { boundObjectRef: ref } });
    expect(res.status).toBe(201);
    expect(res.body.spec.boundObjectRef).toEqual({ ...ref, uid: s.body.metadata.uid });
    const token = res.body.status.token;
    expect((await as(token, 'GET', '/api/v1/namespaces/team/configmaps')).status).toBe(200);
    await api.req('DELETE', '/api/v1/namespaces/team/secrets/anchor');
    await api.req('POST', '/api/v1/namespaces/team/secrets', { metadata: { name: 'anchor' }, type: 'Opaque' });
    // Recreated under the same name is another object: the token stays dead.
    expect((await as(token, 'GET', '/api/v1/namespaces/team/configmaps')).status).toBe(401);
  });

  it('refuses objects that are missing, of another kind, or of another uid', async () => {
    const ask = (boundObjectRef: object) => api.json('POST', '/api/v1/namespaces/team/serviceaccounts/bot/token', { spec: { boundObjectRef } });
    expect((await ask({ apiVersion: 'v1', kind: 'Pod', name: 'absent' })).status).toBe(404);
    const kind = await ask({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' });
    expect(kind.status).toBe(400);
    expect(kind.body.message).toBe('cannot bind token for serviceaccount "bot" to object of type apps/v1, Kind=Deployment');
    const uid = await ask({ apiVersion: 'v1', kind: 'Secret', name: 'creds', uid: 'not-its-uid' });
    expect(uid.status).toBe(409);
    expect(uid.body.message).toContain('does not match the UID in record');
  });
});
