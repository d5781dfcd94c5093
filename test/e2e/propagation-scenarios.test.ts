// What propagates, driven with kubectl as a Karmada user writes it: the everyday namespaced
// kinds and a custom resource whose CRD a ClusterPropagationPolicy carries (S03);
// cluster-scoped kinds through a ClusterPropagationPolicy (S04); the ConfigMap, Secret,
// ServiceAccount and PVC a Deployment needs following it with propagateDeps (S07); and
// namespaces reaching every member, one joined later included, unless they opt out (S08).

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOTILLA_BIN, PROJECT_ROOT, kubectlOk } from '../helpers/control-plane.js';
import { eventually, json, startKarmadaPlane, type KarmadaPlane, readyClusters } from '../helpers/karmada-e2e.js';
import { memberLane } from '../helpers/members.js';

interface Obj {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: { conditions?: Array<{ type: string; status: string }> };
}

const MEMBERS = ['member1', 'member2', 'member3'];

async function memberGet(k: KarmadaPlane, member: string, kind: string, name: string, ns?: string): Promise<Obj | undefined> {
  const r = await k.member(member, ['get', kind, name, ...(ns ? ['-n', ns] : []), '-o', 'json'], { allowFail: true });
  return r.code === 0 ? json<Obj>(r) : undefined;
}

async function inMember(k: KarmadaPlane, member: string, kind: string, name: string, ns?: string, ok: (o: Obj) => boolean = () => true): Promise<Obj> {
  return eventually(
    `${kind} ${ns ? `${ns}/` : ''}${name} in ${member}`,
    async () => {
      const o = await memberGet(k, member, kind, name, ns);
      return o && ok(o) ? o : undefined;
    },
    90_000,
  );
}

async function goneFrom(k: KarmadaPlane, member: string, kind: string, name: string, ns?: string): Promise<void> {
  await eventually(`${kind} ${name} gone from ${member}`, async () => ((await memberGet(k, member, kind, name, ns)) ? undefined : true), 90_000);
}

const apply = (k: KarmadaPlane, yaml: string): Promise<string> => kubectlOk(k.cp, ['apply', '-f', '-'], { input: yaml });

function flotilla(k: KarmadaPlane, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FLOTILLA_BIN, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, KUBECONFIG: k.cp.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`flotilla ${args.join(' ')} exited ${code}:\n${out}`));
    });
  });
}

const crd = (plural: string, group: string, kind: string): string => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: ${plural}.${group} }
spec:
  group: ${group}
  scope: Namespaced
  names: { plural: ${plural}, singular: ${kind.toLowerCase()}, kind: ${kind} }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, x-kubernetes-preserve-unknown-fields: true }
---`;

describe(`what propagates, on ${memberLane()} members`, () => {
  let k: KarmadaPlane;

  beforeAll(async () => {
    k = await startKarmadaPlane();
    await readyClusters(k);
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('S03 propagates a ConfigMap, Secret, Service, Job, Role, RoleBinding and a custom resource whose CRD a ClusterPropagationPolicy carries', async () => {
    await apply(
      k,
      `
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: { name: s03-crd }
spec:
  resourceSelectors:
    - { apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, name: gadgets.s03.example.com }
  placement:
    clusterAffinity: { clusterNames: [member1, member2] }
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: { name: s03, namespace: default }
spec:
  resourceSelectors:
    - { apiVersion: v1, kind: ConfigMap, name: s03 }
    - { apiVersion: v1, kind: Secret, name: s03 }
    - { apiVersion: v1, kind: Service, name: s03 }
    - { apiVersion: batch/v1, kind: Job, name: s03 }
    - { apiVersion: rbac.authorization.k8s.io/v1, kind: Role, name: s03 }
    - { apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, name: s03 }
    - { apiVersion: s03.example.com/v1, kind: Gadget, name: s03 }
  placement:
    clusterAffinity: { clusterNames: [member1, member2] }
    replicaScheduling: { replicaSchedulingType: Duplicated }
`,
    );
    await apply(k, crd('gadgets', 's03.example.com', 'Gadget'));
    await kubectlOk(k.cp, ['wait', '--for=condition=Established', 'crd/gadgets.s03.example.com', '--timeout=60s']);
    await apply(
      k,
      `
apiVersion: v1
kind: ConfigMap
metadata: { name: s03, namespace: default }
data: { greeting: hello }
---
apiVersion: v1
kind: Secret
metadata: { name: s03, namespace: default }
stringData: { password: s3cret }
---
apiVersion: v1
kind: Service
metadata: { name: s03, namespace: default }
spec:
  selector: { app: s03 }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: batch/v1
kind: Job
metadata: { name: s03, namespace: default }
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: main, image: busybox, command: [sh, -c, 'true'] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: s03, namespace: default }
rules: [{ apiGroups: [''], resources: [configmaps], verbs: [get, list] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: s03, namespace: default }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: s03 }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: jane }]
---
apiVersion: s03.example.com/v1
kind: Gadget
metadata: { name: s03, namespace: default }
spec: { size: 3 }
`,
    );
    for (const m of ['member1', 'member2']) {
      await inMember(k, m, 'crd', 'gadgets.s03.example.com');
      expect((await inMember(k, m, 'configmap', 's03', 'default')).data?.greeting).toBe('hello');
      expect(Buffer.from((await inMember(k, m, 'secret', 's03', 'default')).data?.password ?? '', 'base64').toString()).toBe('s3cret');
      const svc = await inMember(k, m, 'service', 's03', 'default');
      expect((svc.spec as { ports: Array<{ port: number }> }).ports[0]?.port).toBe(80);
      const job = await inMember(k, m, 'job', 's03', 'default');
      expect(job.metadata.labels?.['karmada.io/managed']).toBe('true');
      await inMember(k, m, 'role', 's03', 'default');
      const rb = await inMember(k, m, 'rolebinding', 's03', 'default');
      expect((rb as unknown as { roleRef: { name: string } }).roleRef.name).toBe('s03');
      const gadget = await inMember(k, m, 'gadgets.s03.example.com', 's03', 'default');
      expect(gadget.spec?.size).toBe(3);
    }
    for (const kind of ['configmap', 'job', 'gadgets.s03.example.com']) {
      expect(await memberGet(k, 'member3', kind, 's03', 'default'), `${kind} not in member3`).toBeUndefined();
    }
    expect(await memberGet(k, 'member3', 'crd', 'gadgets.s03.example.com')).toBeUndefined();
  });

  it('S04 a ClusterPropagationPolicy propagates a ClusterRole, ClusterRoleBinding, CRD and Namespace', async () => {
    await apply(
      k,
      `
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: { name: s04 }
spec:
  resourceSelectors:
    - { apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, name: s04-reader }
    - { apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, name: s04-reader }
    - { apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, name: widgets.s04.example.com }
    - { apiVersion: v1, kind: Namespace, name: s04 }
  placement:
    clusterAffinity: { clusterNames: [member1, member3] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: s04-reader }
rules: [{ apiGroups: [apps], resources: [deployments], verbs: [get, list, watch] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: s04-reader }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: s04-reader }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: readers }]
---
apiVersion: v1
kind: Namespace
metadata: { name: s04 }
---
${crd('widgets', 's04.example.com', 'Widget')}`,
    );
    for (const m of ['member1', 'member3']) {
      const role = await inMember(k, m, 'clusterrole', 's04-reader');
      expect(role.metadata.labels?.['karmada.io/managed']).toBe('true');
      await inMember(k, m, 'clusterrolebinding', 's04-reader');
      await inMember(k, m, 'crd', 'widgets.s04.example.com');
      await inMember(k, m, 'namespace', 's04');
    }
    expect(await memberGet(k, 'member2', 'clusterrole', 's04-reader')).toBeUndefined();
    expect(await memberGet(k, 'member2', 'crd', 'widgets.s04.example.com')).toBeUndefined();
    const crb = await kubectlOk(k.cp, ['get', 'crb', '-o', 'name']);
    expect(crb).toMatch(/s04-reader-clusterrole\b/);
  });

  it('S07 propagateDeps: the ConfigMap, Secret, ServiceAccount and PVC a Deployment references follow it and leave with it', async () => {
    await apply(
      k,
      `
apiVersion: v1
kind: ConfigMap
metadata: { name: s07-config, namespace: default }
data: { app.conf: 'x=1' }
---
apiVersion: v1
kind: Secret
metadata: { name: s07-secret, namespace: default }
stringData: { token: abc }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: s07-sa, namespace: default }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: s07-pvc, namespace: default }
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: { name: s07, namespace: default }
spec:
  propagateDeps: true
  resourceSelectors:
    - { apiVersion: apps/v1, kind: Deployment, name: s07 }
  placement:
    clusterAffinity: { clusterNames: [member2] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: s07, namespace: default }
spec:
  replicas: 1
  selector: { matchLabels: { app: s07 } }
  template:
    metadata: { labels: { app: s07 } }
    spec:
      serviceAccountName: s07-sa
      containers:
        - name: app
          image: nginx
          env: [{ name: TOKEN, valueFrom: { secretKeyRef: { name: s07-secret, key: token } } }]
          volumeMounts: [{ name: conf, mountPath: /etc/app }, { name: data, mountPath: /data }]
      volumes:
        - { name: conf, configMap: { name: s07-config } }
        - { name: data, persistentVolumeClaim: { claimName: s07-pvc } }
`,
    );
    const deps: Array<[string, string]> = [
      ['configmap', 's07-config'],
      ['secret', 's07-secret'],
      ['serviceaccount', 's07-sa'],
      ['pvc', 's07-pvc'],
    ];
    await inMember(k, 'member2', 'deployment', 's07', 'default');
    for (const [kind, name] of deps) {
      const o = await inMember(k, 'member2', kind, name, 'default');
      expect(o.metadata.labels?.['karmada.io/managed'], `${kind}/${name}`).toBe('true');
    }
    for (const [kind, name] of deps) expect(await memberGet(k, 'member1', kind, name, 'default'), `${kind}/${name} not in member1`).toBeUndefined();
    const attached = json<{ spec: { requiredBy?: Array<{ name: string }> } }>(await k.cp.kubectl(['get', 'rb', 's07-config-configmap', '-n', 'default', '-o', 'json']));
    expect(attached.spec.requiredBy?.map((r) => r.name)).toEqual(['s07-deployment']);

    await kubectlOk(k.cp, ['delete', 'deployment', 's07', '-n', 'default']);
    await goneFrom(k, 'member2', 'deployment', 's07', 'default');
    for (const [kind, name] of deps) await goneFrom(k, 'member2', kind, name, 'default');
    // The templates themselves stay on the control plane.
    expect((await k.cp.kubectl(['get', 'configmap', 's07-config', '-n', 'default'], { allowFail: true })).code).toBe(0);
  });

  it('S08 namespaces reach every member, one joined later included, unless labelled to skip', async () => {
    await apply(
      k,
      `
apiVersion: v1
kind: Namespace
metadata: { name: s08-skip, labels: { namespace.karmada.io/skip-auto-propagation: "true" } }
---
apiVersion: v1
kind: Namespace
metadata: { name: s08 }
`,
    );
    for (const m of MEMBERS) await inMember(k, m, 'namespace', 's08');
    for (const m of MEMBERS) expect(await memberGet(k, m, 'namespace', 's08-skip'), `s08-skip not in ${m}`).toBeUndefined();
    expect((await kubectlOk(k.cp, ['get', 'work', '-A', '-o', 'name'])).match(/s08-skip/g)).toBeNull();

    // member3 leaves; a namespace is made while it is away; it joins again and gets it.
    const membersConfig = join(k.cp.dataDir, 'members.config');
    await flotilla(k, ['unjoin', 'member3', '--cluster-kubeconfig', membersConfig, '--cluster-context', 'member3', '--timeout', '60s']);
    await kubectlOk(k.cp, ['create', 'namespace', 's08-late']);
    for (const m of ['member1', 'member2']) await inMember(k, m, 'namespace', 's08-late');
    expect(await memberGet(k, 'member3', 'namespace', 's08-late')).toBeUndefined();
    await flotilla(k, ['join', 'member3', '--cluster-kubeconfig', membersConfig, '--cluster-context', 'member3', '--region', 'r2', '--provider', 'sim']);
    await inMember(k, 'member3', 'namespace', 's08-late');
    await inMember(k, 'member3', 'namespace', 's08');
    expect(await memberGet(k, 'member3', 'namespace', 's08-skip')).toBeUndefined();
  });
});
