import type { Context } from 'hono';
import { isMaster } from '../shared/authn/user.js';
import { jsonEqual } from '../shared/json-equal.js';
import type { KubeObject } from '../shared/object.js';
import { resourceAttributes } from '../shared/rbac/attributes.js';
import { escalationMessage, FULL_AUTHORITY } from '../shared/rbac/escalation.js';
import { RBAC_GROUP, bindingSchema, roleSchema, rulesOf } from '../shared/rbac/types.js';
import type { ResourceType } from '../shared/registry/resource-type.js';
import { ApiError, errors } from '../shared/status.js';
import type { AppEnv, ServerContext } from './context.js';
import { PolicyCache } from './rbac-policy.js';
import { securityOf } from './security-context.js';

/** The parts of a resource request the check reads. */
export interface RbacWrite {
  ctx: ServerContext;
  c: Context<AppEnv>;
  type: ResourceType;
  /** '' for ClusterRoles and ClusterRoleBindings. */
  namespace: string;
}

function onlyGcFieldsChanged(old: KubeObject, obj: KubeObject): boolean {
  const strip = (o: KubeObject): KubeObject => {
    const { finalizers: _f, ownerReferences: _o, resourceVersion: _r, managedFields: _m, ...meta } = o.metadata;
    return { ...o, metadata: meta };
  };
  return jsonEqual(strip(old), strip(obj));
}

function forbidden(type: ResourceType, name: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `${type.resource}.${type.group} ${JSON.stringify(name)} is forbidden: ${why}`, {
    ...(name ? { name } : {}),
    group: type.group,
    kind: type.resource,
  });
}

/**
 * RBAC's own storage rules (pkg/registry/rbac/*\/policybased), run on every create and update
 * of a Role, ClusterRole or binding: the writer must already hold what the object grants,
 * or be allowed to `escalate` (roles) or `bind` (bindings) it. system:masters is exempt, as
 * upstream. Without this, anyone who may create RoleBindings could bind themselves to
 * cluster-admin.
 */
export async function preventEscalation(r: RbacWrite, obj: KubeObject, old?: KubeObject): Promise<void> {
  if (r.type.group !== RBAC_GROUP) return;
  const user = r.c.get('user');
  if (!user || isMaster(user)) return;
  // As upstream's IsOnlyMutatingGCFields: finishing a deletion grants nothing.
  if (old && onlyGcFieldsChanged(old, obj)) return;
  const policy = securityOf(r.c)?.policy ?? new PolicyCache(r.ctx.store);
  const name = obj.metadata.name ?? '';
  const ns = r.namespace;
  if (r.type.resource === 'roles' || r.type.resource === 'clusterroles') {
    const role = roleSchema.safeParse(obj);
    // Malformed rules are admission's to refuse (422); there is nothing to compare.
    if (!role.success) return;
    const escalate = await policy.authorize(resourceAttributes(user, { verb: 'escalate', apiGroup: RBAC_GROUP, resource: r.type.resource, namespace: ns, name }));
    if (escalate.allowed) return;
    const owner = await policy.policyRulesFor(user, ns);
    const msg = escalationMessage(user, owner.rules, rulesOf(role.data), owner.errors);
    if (msg) throw forbidden(r.type, name, msg);
    if (role.data.aggregationRule && escalationMessage(user, owner.rules, FULL_AUTHORITY)) {
      throw forbidden(r.type, name, 'must have cluster-admin privileges to use the aggregationRule');
    }
    return;
  }
  if (r.type.resource !== 'rolebindings' && r.type.resource !== 'clusterrolebindings') return;
  const binding = bindingSchema.safeParse(obj);
  if (!binding.success) return;
  const ref = binding.data.roleRef;
  const refResource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
  const bind = await policy.authorize(resourceAttributes(user, { verb: 'bind', apiGroup: RBAC_GROUP, resource: refResource, namespace: ns, name: ref.name }));
  if (bind.allowed) return;
  const snapshot = await policy.snapshot(ns);
  const target = (ref.kind === 'Role' ? snapshot.roles : snapshot.clusterRoles).find((x) => x.metadata.name === ref.name);
  if (!target) throw errors.badRequest(`${ref.kind === 'Role' ? 'role' : 'clusterrole'}.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`);
  const owner = await policy.policyRulesFor(user, ns);
  const msg = escalationMessage(user, owner.rules, rulesOf(target), owner.errors);
  if (msg) throw forbidden(r.type, name, msg);
}
