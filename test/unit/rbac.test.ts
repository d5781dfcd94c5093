import { describe, expect, it } from 'vitest';
import { authorize, rulesFor } from '../../shared/rbac/authorizer.js';
import { requestAttributes, resourceAttributes, nonResourceAttributes } from '../../shared/rbac/attributes.js';
import { forbiddenError } from '../../shared/rbac/forbidden.js';
import { aggregateAll, aggregatedRules } from '../../shared/rbac/aggregation.js';
import { clusterRoleBindingObject, clusterRoleObject, defaultClusterRoleBindings, defaultClusterRoles } from '../../shared/rbac/bootstrap-policy.js';
import { roleSchema, bindingSchema, type PolicySnapshot, type Role } from '../../shared/rbac/types.js';
import { ruleAllows } from '../../shared/rbac/rule-match.js';
import { serviceAccountUser, type UserInfo } from '../../shared/authn/user.js';
import { MEMBER_CREDENTIALS_NAMESPACE } from '../../shared/security/member-credentials.js';

const sa = serviceAccountUser('team', 'bot', 'uid-1');
const alice: UserInfo = { username: 'alice', groups: ['devs', 'system:authenticated'] };

/** The default policy after aggregation, as a fresh control plane has it. */
function defaults(): PolicySnapshot {
  const roles = defaultClusterRoles.map((d) => roleSchema.parse(clusterRoleObject(d)));
  for (const [name, rules] of aggregateAll(roles)) roles.find((r) => r.metadata.name === name)!.rules = rules;
  return {
    clusterRoles: roles,
    clusterRoleBindings: defaultClusterRoleBindings.map((b) => bindingSchema.parse(clusterRoleBindingObject(b))),
    roles: [],
    roleBindings: [],
  };
}

function roleBinding(ns: string, name: string, role: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: object[]) {
  return bindingSchema.parse({ metadata: { name, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...role }, subjects });
}

const can = (policy: PolicySnapshot, user: UserInfo, verb: string, resource: string, opts: { ns?: string; group?: string; sub?: string; name?: string } = {}) =>
  authorize(resourceAttributes(user, { verb, resource, apiGroup: opts.group ?? '', namespace: opts.ns ?? '', subresource: opts.sub ?? '', name: opts.name ?? '' }), policy).allowed;

describe('rule matching', () => {
  it('matches verbs, groups, resources with subresources, */subresource, resourceNames and URL prefixes', () => {
    const base = resourceAttributes(alice, { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'a', name: 'p' });
    expect(ruleAllows(base, { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] })).toBe(true);
    expect(ruleAllows(base, { verbs: ['get'], apiGroups: [''], resources: ['pods'] })).toBe(false);
    expect(ruleAllows(base, { verbs: ['get'], apiGroups: [''], resources: ['*/log'] })).toBe(true);
    expect(ruleAllows(base, { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] })).toBe(false);
    expect(ruleAllows(base, { verbs: ['*'], apiGroups: ['*'], resources: ['*'] })).toBe(true);
    expect(ruleAllows(base, { verbs: ['get'], apiGroups: [''], resources: ['pods/log'], resourceNames: ['q'] })).toBe(false);
    expect(ruleAllows(base, { verbs: ['get'], apiGroups: [''], resources: ['pods/log'], resourceNames: ['p'] })).toBe(true);
    expect(ruleAllows(base, { verbs: ['list'], apiGroups: [''], resources: ['pods/log'] })).toBe(false);
    expect(ruleAllows(base, { verbs: ['get'], apiGroups: ['apps'], resources: ['pods/log'] })).toBe(false);
    const scale = resourceAttributes(alice, { verb: 'patch', apiGroup: 'apps', resource: 'deployments', subresource: 'scale' });
    expect(ruleAllows(scale, { verbs: ['patch'], apiGroups: ['apps'], resources: ['deployments/scale'] })).toBe(true);
    const path = nonResourceAttributes(alice, 'get', '/apis/apps/v1');
    expect(ruleAllows(path, { verbs: ['get'], nonResourceURLs: ['/apis/*'] })).toBe(true);
    expect(ruleAllows(path, { verbs: ['get'], nonResourceURLs: ['/apis'] })).toBe(false);
    expect(ruleAllows(path, { verbs: ['get'], nonResourceURLs: ['*'] })).toBe(true);
    // A resource rule never matches a path, nor a URL rule a resource.
    expect(ruleAllows(path, { verbs: ['*'], apiGroups: ['*'], resources: ['*'] })).toBe(false);
    expect(ruleAllows(base, { verbs: ['*'], nonResourceURLs: ['*'] })).toBe(false);
  });
});

describe('request attributes (RequestInfoFactory)', () => {
  const attrs = (method: string, url: string) => {
    const u = new URL(url, 'https://x');
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/(watch))?(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(u.pathname);
    const parsed = m ? { group: m[2] ?? '', version: m[1] ?? m[3]!, watch: Boolean(m[4]), ...(m[5] ? { namespace: m[5] } : {}), resource: m[6]!, ...(m[7] ? { name: m[7] } : {}), ...(m[8] ? { subresource: m[8] } : {}) } : undefined;
    return requestAttributes(alice, method, u.pathname, u.searchParams, parsed);
  };
  it('maps methods to verbs', () => {
    expect(attrs('GET', '/api/v1/namespaces/a/pods').verb).toBe('list');
    expect(attrs('GET', '/api/v1/namespaces/a/pods?watch=true').verb).toBe('watch');
    expect(attrs('GET', '/api/v1/watch/namespaces/a/pods').verb).toBe('watch');
    expect(attrs('GET', '/api/v1/namespaces/a/pods/p').verb).toBe('get');
    expect(attrs('POST', '/api/v1/namespaces/a/pods').verb).toBe('create');
    expect(attrs('PUT', '/api/v1/namespaces/a/pods/p').verb).toBe('update');
    expect(attrs('PATCH', '/apis/apps/v1/namespaces/a/deployments/d/scale')).toMatchObject({ verb: 'patch', apiGroup: 'apps', subresource: 'scale', name: 'd' });
    expect(attrs('DELETE', '/api/v1/namespaces/a/pods/p').verb).toBe('delete');
    expect(attrs('DELETE', '/api/v1/namespaces/a/pods').verb).toBe('deletecollection');
    expect(attrs('GET', '/apis').resourceRequest).toBe(false);
    expect(attrs('GET', '/apis').verb).toBe('get');
  });
  it('takes the name of a list pinned by a field selector, and a namespace named in the path as the namespace', () => {
    expect(attrs('GET', '/api/v1/namespaces/a/pods?fieldSelector=metadata.name%3Dp&watch=true')).toMatchObject({ verb: 'watch', name: 'p' });
    const ns = attrs('GET', '/api/v1/namespaces/a');
    // The parser treats /namespaces/a as scope + resource here; authorization sees namespace "a" either way.
    expect(ns.namespace).toBe('a');
  });
});

describe('RBAC authorizer', () => {
  it('system:masters may do anything even with no RBAC objects', () => {
    const empty: PolicySnapshot = { clusterRoles: [], clusterRoleBindings: [], roles: [], roleBindings: [] };
    expect(can(empty, { username: 'root', groups: ['system:masters'] }, 'delete', 'nodes')).toBe(true);
  });

  it('view bound in a namespace reads but does not write, and never reads secrets', () => {
    const p = defaults();
    p.roleBindings = [roleBinding('team', 'bot-view', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'bot' }])];
    expect(can(p, sa, 'get', 'configmaps', { ns: 'team' })).toBe(true);
    expect(can(p, sa, 'list', 'deployments', { ns: 'team', group: 'apps' })).toBe(true);
    expect(can(p, sa, 'create', 'configmaps', { ns: 'team' })).toBe(false);
    expect(can(p, sa, 'get', 'secrets', { ns: 'team' })).toBe(false);
    expect(can(p, sa, 'get', 'pods', { ns: 'team', sub: 'log' })).toBe(true);
    // Cluster-wide reads need a ClusterRoleBinding; RoleBindings are not consulted for them.
    expect(can(p, sa, 'list', 'configmaps')).toBe(false);
  });

  it('edit and admin grant secrets in their namespace only, so member credentials stay out of reach', () => {
    const p = defaults();
    p.roleBindings = [roleBinding('team', 'alice-admin', { kind: 'ClusterRole', name: 'admin' }, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }])];
    expect(can(p, alice, 'get', 'secrets', { ns: 'team' })).toBe(true);
    expect(can(p, alice, 'create', 'rolebindings', { ns: 'team', group: 'rbac.authorization.k8s.io' })).toBe(true);
    expect(can(p, alice, 'patch', 'deployments', { ns: 'team', group: 'apps', sub: 'scale' })).toBe(true);
    // The RoleBinding lives in "team": evaluated for karmada-cluster, there is none.
    const elsewhere = { ...p, roleBindings: [] };
    expect(can(elsewhere, alice, 'get', 'secrets', { ns: MEMBER_CREDENTIALS_NAMESPACE })).toBe(false);
    expect(can(elsewhere, alice, 'list', 'secrets')).toBe(false);
    // No default role binds edit/admin/view cluster-wide, so by default only cluster-admin reads them.
    for (const b of p.clusterRoleBindings) expect(['admin', 'edit', 'view']).not.toContain(b.roleRef.name);
  });

  it('ServiceAccount subjects default to the binding namespace; groups and users match by name', () => {
    const p = defaults();
    p.clusterRoles.push(roleSchema.parse({ metadata: { name: 'cm-reader' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['one'] }] }));
    p.roleBindings = [
      roleBinding('other', 'x', { kind: 'ClusterRole', name: 'cm-reader' }, [{ kind: 'ServiceAccount', name: 'bot' }]),
      roleBinding('team', 'y', { kind: 'ClusterRole', name: 'cm-reader' }, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' }]),
    ];
    // "other/x" names other:bot, not team:bot.
    expect(can(p, sa, 'get', 'configmaps', { ns: 'other', name: 'one' })).toBe(false);
    expect(can(p, alice, 'get', 'configmaps', { ns: 'team', name: 'one' })).toBe(true);
    expect(can(p, alice, 'get', 'configmaps', { ns: 'team', name: 'two' })).toBe(false);
  });

  it('gives upstream reasons: who allowed it, or which role was missing', () => {
    const p = defaults();
    p.roleBindings = [
      roleBinding('team', 'bot-view', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'bot' }]),
      roleBinding('team', 'dangling', { kind: 'Role', name: 'gone' }, [{ kind: 'ServiceAccount', name: 'bot', namespace: 'team' }]),
    ];
    const allowed = authorize(resourceAttributes(sa, { verb: 'get', resource: 'pods', namespace: 'team' }), p);
    expect(allowed).toEqual({ allowed: true, reason: 'RBAC: allowed by RoleBinding "bot-view/team" of ClusterRole "view" to ServiceAccount "bot/team"' });
    const denied = authorize(resourceAttributes(sa, { verb: 'create', resource: 'pods', namespace: 'team' }), p);
    expect(denied).toEqual({ allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found' });
    const discovery = authorize(nonResourceAttributes(sa, 'get', '/apis/apps/v1'), p);
    expect(discovery.reason).toBe('RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"');
  });

  it('anonymous users reach only the public info paths', () => {
    const anon: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
    const p = defaults();
    expect(authorize(nonResourceAttributes(anon, 'get', '/version'), p).allowed).toBe(true);
    expect(authorize(nonResourceAttributes(anon, 'get', '/healthz'), p).allowed).toBe(true);
    expect(authorize(nonResourceAttributes(anon, 'get', '/api'), p).allowed).toBe(false);
    expect(authorize(resourceAttributes(anon, { verb: 'create', resource: 'selfsubjectaccessreviews', apiGroup: 'authorization.k8s.io' }), p).allowed).toBe(false);
  });

  it('rules reviews list what applies in the namespace', () => {
    const p = defaults();
    p.roleBindings = [roleBinding('team', 'bot-view', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'bot' }])];
    const r = rulesFor(sa, 'team', p);
    expect(r.incomplete).toBe(false);
    expect(r.resourceRules).toContainEqual({ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] });
    expect(r.resourceRules.some((x) => x.resources.includes('configmaps') && x.verbs.includes('get'))).toBe(true);
    expect(r.resourceRules.some((x) => x.resources.includes('secrets'))).toBe(false);
    expect(r.nonResourceRules.some((x) => x.nonResourceURLs.includes('/api/*'))).toBe(true);
  });
});

describe('forbidden messages', () => {
  it('are worded as kube-apiserver words them', () => {
    const e = forbiddenError(resourceAttributes(serviceAccountUser('ns', 'sa', 'u'), { verb: 'create', resource: 'configmaps', namespace: 'ns' }));
    expect(e.status).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'configmaps is forbidden: User "system:serviceaccount:ns:sa" cannot create resource "configmaps" in API group "" in the namespace "ns"',
      details: { kind: 'configmaps' },
    });
    const named = forbiddenError(resourceAttributes(alice, { verb: 'patch', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'web' }));
    expect(named.message).toBe('deployments.apps "web" is forbidden: User "alice" cannot patch resource "deployments/scale" in API group "apps" at the cluster scope');
    expect(forbiddenError(nonResourceAttributes(alice, 'get', '/metrics')).message).toBe('forbidden: User "alice" cannot get path "/metrics"');
    expect(forbiddenError(resourceAttributes(alice, { verb: 'impersonate', resource: 'users', name: 'bob' }), 'RBAC: x').message).toBe(
      'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope: RBAC: x',
    );
  });
});

describe('aggregation', () => {
  it('fills view, edit and admin from labelled roles, chains included, without duplicates', () => {
    const p = defaults();
    const rules = (name: string) => p.clusterRoles.find((r) => r.metadata.name === name)!.rules!;
    const has = (name: string, group: string, resource: string, verb: string) =>
      rules(name).some((r) => r.apiGroups?.includes(group) && r.resources?.includes(resource) && r.verbs.includes(verb));
    expect(has('view', 'apps', 'deployments', 'get')).toBe(true);
    expect(has('edit', 'apps', 'deployments', 'get')).toBe(true); // from view
    expect(has('edit', '', 'secrets', 'create')).toBe(true);
    expect(has('admin', '', 'secrets', 'get')).toBe(true); // from edit
    expect(has('admin', 'rbac.authorization.k8s.io', 'rolebindings', 'create')).toBe(true);
    expect(has('view', '', 'secrets', 'get')).toBe(false);
    expect(has('view', 'policy.karmada.io', 'propagationpolicies', 'list')).toBe(true);
    expect(has('edit', 'policy.karmada.io', 'propagationpolicies', 'create')).toBe(true);
    const json = rules('admin').map((r) => JSON.stringify(r));
    expect(new Set(json).size).toBe(json.length);
    // Already aggregated: nothing changes.
    expect(aggregateAll(p.clusterRoles).size).toBe(0);
  });

  it('takes selected roles in name order and skips itself', () => {
    const mk = (name: string, labels: Record<string, string>, verbs: string[]): Role =>
      roleSchema.parse({ metadata: { name, labels }, rules: [{ verbs, apiGroups: ['x'], resources: ['y'] }] });
    const agg = roleSchema.parse({ metadata: { name: 'agg', labels: { pick: 'me' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { pick: 'me' } }] }, rules: [] });
    const out = aggregatedRules(agg, [mk('b', { pick: 'me' }, ['b']), mk('a', { pick: 'me' }, ['a']), mk('c', {}, ['c']), agg]);
    expect(out.map((r) => r.verbs[0])).toEqual(['a', 'b']);
  });
});

describe('escalation comparison (policy_comparator)', () => {
  it('breaks rules down and checks each piece against the owner rules', async () => {
    const { uncovered, escalationMessage } = await import('../../shared/rbac/escalation.js');
    const owner = [
      { verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments', '*/scale'] },
      { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['one'] },
      { verbs: ['get'], nonResourceURLs: ['/apis/*'] },
    ];
    expect(uncovered(owner, [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'] }])).toEqual([]);
    expect(uncovered(owner, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['one'] }])).toEqual([]);
    expect(uncovered(owner, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }])).toHaveLength(1);
    expect(uncovered(owner, [{ verbs: ['get'], nonResourceURLs: ['/apis/apps', '/api'] }])).toEqual([{ verbs: ['get'], nonResourceURLs: ['/api'] }]);
    expect(uncovered([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], [{ verbs: ['delete'], apiGroups: ['x'], resources: ['y/z'] }])).toEqual([]);
    expect(escalationMessage(alice, owner, [{ verbs: ['create', 'delete'], apiGroups: [''], resources: ['pods'] }])).toBe(
      'user "alice" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["create" "delete"]}',
    );
  });
});
