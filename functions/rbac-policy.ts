import type { Store } from '../db/store.js';
import type { KubeObject } from '../shared/object.js';
import { RBAC_GROUP, bindingSchema, roleSchema, type Binding, type PolicyRule, type PolicySnapshot, type Role } from '../shared/rbac/types.js';
import { authorize, policyRulesFor, rulesFor, type Decision, type RulesResult } from '../shared/rbac/authorizer.js';
import type { Attributes } from '../shared/rbac/attributes.js';
import { isMaster, type UserInfo } from '../shared/authn/user.js';

function parseAll<T>(items: KubeObject[], schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): T[] {
  const out: T[] = [];
  for (const item of items) {
    const parsed = schema.safeParse(item);
    // A malformed stored object grants nothing; it must not take the authorizer down with it.
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/**
 * The RBAC objects one request consults, read at most once per kind (and per namespace for
 * Roles and RoleBindings) however many checks the request makes: impersonation, the request
 * itself, a review. Lives for one request only, so in workerd no promise crosses requests.
 */
export class PolicyCache {
  private cluster?: Promise<Pick<PolicySnapshot, 'clusterRoles' | 'clusterRoleBindings'>>;
  private readonly namespaces = new Map<string, Promise<Pick<PolicySnapshot, 'roles' | 'roleBindings'>>>();

  constructor(private readonly store: Store) {}

  private async list(resource: string, namespace?: string): Promise<KubeObject[]> {
    const result = await this.store.list({ group: RBAC_GROUP, resource, ...(namespace !== undefined ? { namespace } : {}) });
    return result.items;
  }

  private clusterPart(): Promise<Pick<PolicySnapshot, 'clusterRoles' | 'clusterRoleBindings'>> {
    this.cluster ??= Promise.all([this.list('clusterroles'), this.list('clusterrolebindings')]).then(([roles, bindings]) => ({
      clusterRoles: parseAll<Role>(roles, roleSchema),
      clusterRoleBindings: parseAll<Binding>(bindings, bindingSchema),
    }));
    return this.cluster;
  }

  private namespacePart(namespace: string): Promise<Pick<PolicySnapshot, 'roles' | 'roleBindings'>> {
    let p = this.namespaces.get(namespace);
    if (!p) {
      p = Promise.all([this.list('roles', namespace), this.list('rolebindings', namespace)]).then(([roles, bindings]) => ({
        roles: parseAll<Role>(roles, roleSchema),
        roleBindings: parseAll<Binding>(bindings, bindingSchema),
      }));
      this.namespaces.set(namespace, p);
    }
    return p;
  }

  async snapshot(namespace: string): Promise<PolicySnapshot> {
    const cluster = await this.clusterPart();
    const ns = namespace ? await this.namespacePart(namespace) : { roles: [], roleBindings: [] };
    return { ...cluster, ...ns };
  }

  /**
   * One decision. ClusterRoleBindings are tried before the namespace's objects are read,
   * so a request a ClusterRole allows costs two reads, not four.
   */
  async authorize(attrs: Attributes): Promise<Decision> {
    if (isMaster(attrs.user)) return authorize(attrs, { clusterRoles: [], clusterRoleBindings: [], roles: [], roleBindings: [] });
    const cluster = await this.snapshot('');
    const first = authorize(attrs, cluster);
    if (first.allowed || !attrs.namespace) return first;
    return authorize(attrs, await this.snapshot(attrs.namespace));
  }

  async rulesFor(user: UserInfo, namespace: string): Promise<RulesResult> {
    return rulesFor(user, namespace, await this.snapshot(namespace));
  }

  /** The user's rules in the namespace (cluster-wide ones for ""), as escalation checks compare them. */
  async policyRulesFor(user: UserInfo, namespace: string): Promise<{ rules: PolicyRule[]; errors: string[] }> {
    return policyRulesFor(user, namespace, await this.snapshot(namespace));
  }
}
