import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.js';

/** Polls `fn` until it returns true or the deadline passes; no fixed sleeps. */
async function eventually(fn: () => Promise<boolean> | boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface AuditLine {
  verb: string;
  user: { username: string; groups?: string[] };
  impersonatedUser?: { username: string };
  objectRef?: { resource: string; namespace?: string; name?: string; subresource?: string };
  responseStatus: { code: number; message?: string };
  requestURI: string;
  auditID: string;
  stageTimestamp: string;
}

describe('kubectl: who may do what', () => {
  let cp: ControlPlane;
  let viewerToken = '';
  const SA = 'system:serviceaccount:sec:viewer';

  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(async () => {
    await cp?.stop();
  });

  const k = async (...args: string[]) => {
    const r = await cp.kubectl(args, { allowFail: true });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  const kFail = async (...args: string[]) => {
    const r = await cp.kubectl(args, { allowFail: true });
    expect(r.code, `kubectl ${args.join(' ')} should fail:\n${r.stdout}`).not.toBe(0);
    return r.stderr;
  };
  const asViewer = (...args: string[]) => ['--token', viewerToken, ...args];
  const auditLines = (): AuditLine[] => {
    const file = join(cp.dataDir, 'audit', 'audit.log');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditLine);
  };
  const audited = async (what: string, match: (l: AuditLine) => boolean): Promise<AuditLine> => {
    let found: AuditLine | undefined;
    await eventually(() => Boolean((found = auditLines().find(match))), `an audit line for ${what}`);
    return found!;
  };

  it('a ServiceAccount bound to view can get but not create (kubectl create token, then --token)', async () => {
    await k('create', 'namespace', 'sec');
    await k('-n', 'sec', 'create', 'serviceaccount', 'viewer');
    await k('-n', 'sec', 'create', 'rolebinding', 'viewer-view', '--clusterrole=view', '--serviceaccount=sec:viewer');
    await k('-n', 'sec', 'create', 'configmap', 'cfg', '--from-literal=a=b');
    await k('-n', 'sec', 'create', 'secret', 'generic', 'creds', '--from-literal=password=hunter2');
    viewerToken = (await k('-n', 'sec', 'create', 'token', 'viewer')).trim();
    expect(viewerToken.split('.')).toHaveLength(3);

    expect(await k(...asViewer('-n', 'sec', 'get', 'configmap', 'cfg', '-o', 'jsonpath={.data.a}'))).toBe('b');
    expect(await k(...asViewer('-n', 'sec', 'get', 'configmaps', '-o', 'name'))).toContain('configmap/cfg');
    const denied = await kFail(...asViewer('-n', 'sec', 'create', 'configmap', 'nope', '--from-literal=x=y'));
    expect(denied).toContain(`configmaps is forbidden: User "${SA}" cannot create resource "configmaps" in API group "" in the namespace "sec"`);
    const secret = await kFail(...asViewer('-n', 'sec', 'get', 'secret', 'creds'));
    expect(secret).toContain(`secrets "creds" is forbidden: User "${SA}" cannot get resource "secrets" in API group "" in the namespace "sec"`);
    expect(secret).not.toContain('aHVudGVyMg');
    expect(await kFail('-n', 'sec', 'get', 'configmap', 'nope')).toContain('NotFound');
  });

  it("the ServiceAccount's watches stream events through the per-user watch limit", async () => {
    const watcher = spawn(cp.kubectlPath, ['--kubeconfig', cp.kubeconfig, ...asViewer('-n', 'sec', 'get', 'configmaps', '-w', '-o', 'name')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await eventually(() => out.includes('configmap/cfg'), 'the initial list of the watch');
      await k('-n', 'sec', 'create', 'configmap', 'watched', '--from-literal=a=1');
      await eventually(() => out.includes('configmap/watched'), 'the ADDED event for watched');
    } finally {
      watcher.kill();
    }
  });

  it('auth can-i (with --list) and auth whoami tell the truth for the admin and for the ServiceAccount', async () => {
    expect((await k('auth', 'can-i', '*', '*')).trim()).toBe('yes');
    expect((await k('auth', 'can-i', 'get', 'secrets', '-n', 'kube-system')).trim()).toBe('yes');
    expect((await k(...asViewer('auth', 'can-i', 'get', 'configmaps', '-n', 'sec'))).trim()).toBe('yes');
    const no = await cp.kubectl(asViewer('auth', 'can-i', 'create', 'configmaps', '-n', 'sec'), { allowFail: true });
    expect(no.stdout.trim()).toBe('no');
    expect(no.code).toBe(1);
    expect((await cp.kubectl(asViewer('auth', 'can-i', 'get', 'secrets', '-n', 'sec'), { allowFail: true })).stdout.trim()).toBe('no');
    expect((await cp.kubectl(asViewer('auth', 'can-i', 'list', 'configmaps', '-n', 'default'), { allowFail: true })).stdout.trim()).toBe('no');

    const list = await k(...asViewer('auth', 'can-i', '--list', '-n', 'sec'));
    expect(list).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/m);
    expect(list).toMatch(/^configmaps\s+\[\]\s+\[\]\s+\[get list watch\]/m);
    expect(list).toMatch(/^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/m);
    expect(list).toMatch(/\[\/api\/\*\]\s+\[\]\s+\[get\]/);
    expect(list).not.toMatch(/^secrets\s/m);
    const adminList = await k('auth', 'can-i', '--list');
    expect(adminList).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/m);

    const whoAdmin = await k('auth', 'whoami', '-o', 'json');
    expect(JSON.parse(whoAdmin).status.userInfo).toEqual({ username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    const whoSa = JSON.parse(await k(...asViewer('auth', 'whoami', '-o', 'json'))).status.userInfo;
    expect(whoSa.username).toBe(SA);
    expect(whoSa.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:sec', 'system:authenticated']);
  });

  it('every namespace gets a default ServiceAccount, so kubectl create token default works', async () => {
    await eventually(async () => (await cp.kubectl(['-n', 'sec', 'get', 'serviceaccount', 'default'], { allowFail: true })).code === 0, 'the default ServiceAccount in sec');
    const token = (await k('-n', 'sec', 'create', 'token', 'default')).trim();
    const who = JSON.parse(await k('--token', token, 'auth', 'whoami', '-o', 'json'));
    expect(who.status.userInfo.username).toBe('system:serviceaccount:sec:default');
    // Bound to nothing: it may read nothing in the namespace.
    expect((await cp.kubectl(['--token', token, 'auth', 'can-i', 'get', 'configmaps', '-n', 'sec'], { allowFail: true })).stdout.trim()).toBe('no');
  });

  it('a kubernetes.io/service-account-token Secret is filled with a working token and the CA', async () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'viewer-token', namespace: 'sec', annotations: { 'kubernetes.io/service-account.name': 'viewer' } },
      type: 'kubernetes.io/service-account-token',
    };
    await cp.kubectl(['create', '-f', '-'], { input: JSON.stringify(secret) });
    let data: Record<string, string> = {};
    await eventually(async () => {
      data = JSON.parse(await k('-n', 'sec', 'get', 'secret', 'viewer-token', '-o', 'json')).data ?? {};
      return Boolean(data.token);
    }, 'the token controller to fill the Secret');
    expect(Buffer.from(data['ca.crt']!, 'base64').toString()).toBe(cp.ca);
    expect(Buffer.from(data.namespace!, 'base64').toString()).toBe('sec');
    const token = Buffer.from(data.token!, 'base64').toString();
    expect(JSON.parse(await k('--token', token, 'auth', 'whoami', '-o', 'json')).status.userInfo.username).toBe(SA);
    await k('-n', 'sec', 'delete', 'secret', 'viewer-token');
    expect(await kFail('--token', token, 'auth', 'whoami')).toMatch(/Unauthorized/);
  });

  it('a valid bootstrap token authenticates as system:bootstrap:<id>; an expired one is refused with 401', async () => {
    const bootstrapSecret = (id: string, expiration: string) => [
      '-n', 'kube-system', 'create', 'secret', 'generic', `bootstrap-token-${id}`, '--type=bootstrap.kubernetes.io/token',
      `--from-literal=token-id=${id}`, '--from-literal=token-secret=0123456789abcdef', `--from-literal=expiration=${expiration}`,
      '--from-literal=usage-bootstrap-authentication=true', '--from-literal=auth-extra-groups=system:bootstrappers:flotilla:agents',
    ];
    await k(...bootstrapSecret('abcdef', new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z')));
    await k(...bootstrapSecret('oldtok', new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z')));
    const who = JSON.parse(await k('--token', 'abcdef.0123456789abcdef', 'auth', 'whoami', '-o', 'json')).status.userInfo;
    expect(who).toEqual({ username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:flotilla:agents', 'system:authenticated'] });
    const expired = await kFail('--token', 'oldtok.0123456789abcdef', 'auth', 'whoami');
    expect(expired).toMatch(/Unauthorized/);
    expect(await kFail('--token', 'abcdef.0123456789abcdeX', 'get', 'namespaces')).toMatch(/Unauthorized/);
  });

  it('impersonation needs the impersonate verb: refused without it, works with it', async () => {
    const refused = await kFail(...asViewer('--as=someone', '-n', 'sec', 'get', 'pods'));
    expect(refused).toContain(`users "someone" is forbidden: User "${SA}" cannot impersonate resource "users" in API group "" at the cluster scope`);
    await k('create', 'clusterrole', 'impersonate-someone', '--verb=impersonate', '--resource=users', '--resource-name=someone');
    await k('create', 'clusterrolebinding', 'viewer-impersonates-someone', '--clusterrole=impersonate-someone', '--serviceaccount=sec:viewer');
    await k('-n', 'sec', 'create', 'rolebinding', 'someone-view', '--clusterrole=view', '--user=someone');
    expect(await k(...asViewer('--as=someone', '-n', 'sec', 'get', 'configmaps', '-o', 'name'))).toContain('configmap/cfg');
    const who = JSON.parse(await k(...asViewer('--as=someone', 'auth', 'whoami', '-o', 'json'))).status.userInfo;
    expect(who).toEqual({ username: 'someone', groups: ['system:authenticated'] });
    // The right covers that one user, and no groups.
    expect(await kFail(...asViewer('--as=someone-else', '-n', 'sec', 'get', 'configmaps'))).toContain('cannot impersonate resource "users"');
    expect(await kFail(...asViewer('--as=someone', '--as-group=system:masters', '-n', 'sec', 'get', 'configmaps'))).toContain(
      'groups "system:masters" is forbidden',
    );
  });

  it('leaves an audit line in DIR/audit/audit.log for each change and each refusal, without Secret data', async () => {
    const forbiddenCreate = await audited('the refused create', (l) => l.verb === 'create' && l.user.username === SA && l.objectRef?.resource === 'configmaps' && l.responseStatus.code === 403);
    expect(forbiddenCreate.objectRef).toMatchObject({ namespace: 'sec', resource: 'configmaps' });
    expect(forbiddenCreate.responseStatus.message).toContain('cannot create resource "configmaps"');
    expect(forbiddenCreate.auditID).toMatch(/\S/);
    await audited('the refused secret read', (l) => l.verb === 'get' && l.objectRef?.resource === 'secrets' && l.objectRef?.name === 'creds' && l.responseStatus.code === 403);
    await audited('the secret create', (l) => l.verb === 'create' && l.objectRef?.resource === 'secrets' && l.user.username === 'kubernetes-admin' && l.responseStatus.code === 201);
    await audited('the token request', (l) => l.verb === 'create' && l.objectRef?.resource === 'serviceaccounts' && l.objectRef?.subresource === 'token');
    await audited('the expired bootstrap token', (l) => l.responseStatus.code === 401);
    await audited('the refused impersonation', (l) => l.responseStatus.code === 403 && (l.responseStatus.message ?? '').includes('cannot impersonate resource "users"'));
    const acting = await audited('a request made as someone', (l) => l.impersonatedUser?.username === 'someone' && l.verb === 'create');
    expect(acting.user.username).toBe(SA);
    const all = readFileSync(join(cp.dataDir, 'audit', 'audit.log'), 'utf8');
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('aHVudGVyMg');
    expect(all).not.toContain(viewerToken);
    // Plain successful reads are not audited.
    expect(auditLines().some((l) => l.verb === 'get' && l.responseStatus.code === 200 && l.objectRef?.name === 'cfg')).toBe(false);
  });
});
