import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { kubectlOk, startControlPlane, type ControlPlane } from '../helpers/control-plane.js';

/**
 * kubectl 1.31+ sends these commands' bodies as protobuf and gives up after a 415, so each
 * one passing end to end is the proof that the decoders are complete.
 */
describe('imperative kubectl commands that send protobuf', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(async () => {
    await cp?.stop();
  });
  const k = (...args: string[]) => kubectlOk(cp, args);
  const json = async (...args: string[]) => JSON.parse(await k(...args, '-o', 'json'));

  it('create namespace, secret, serviceaccount, rolebinding, job, deployment', async () => {
    await k('create', 'namespace', 'pb');
    await k('-n', 'pb', 'create', 'secret', 'generic', 'creds', '--from-literal=user=admin', '--from-literal=pass=s3cr3t');
    expect((await json('-n', 'pb', 'get', 'secret', 'creds')).data).toEqual({ user: btoa('admin'), pass: btoa('s3cr3t') });
    await k('-n', 'pb', 'create', 'serviceaccount', 'robot');
    expect((await json('-n', 'pb', 'get', 'sa', 'robot')).metadata.name).toBe('robot');
    await k('-n', 'pb', 'create', 'rolebinding', 'robot-view', '--clusterrole=view', '--serviceaccount=pb:robot');
    const rb = await json('-n', 'pb', 'get', 'rolebinding', 'robot-view');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'robot', namespace: 'pb' }]);
    await k('-n', 'pb', 'create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi');
    const job = await json('-n', 'pb', 'get', 'job', 'once');
    expect(job.spec.template.spec.containers[0].command).toEqual(['echo', 'hi']);
    await k('-n', 'pb', 'create', 'deployment', 'api', '--image=nginx', '--port=8080');
    expect((await json('-n', 'pb', 'get', 'deploy', 'api')).spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080 }]);
  });

  it('create token, auth can-i and auth whoami', async () => {
    const token = (await k('-n', 'pb', 'create', 'token', 'robot', '--duration=10m')).trim();
    expect(token.split('.')).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims.sub).toBe('system:serviceaccount:pb:robot');
    // The minted token authenticates as the ServiceAccount.
    const who = await k('auth', 'whoami', '--token', token, '-o', 'json');
    expect(JSON.parse(who).status.userInfo.username).toBe('system:serviceaccount:pb:robot');
    expect((await k('auth', 'can-i', 'create', 'deployments', '-n', 'pb')).trim()).toBe('yes');
    const admin = JSON.parse(await k('auth', 'whoami', '-o', 'json'));
    expect(admin.status.userInfo.groups).toContain('system:masters');
  });
});
