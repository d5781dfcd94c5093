import type { Store } from '../db/store.js';
import { IMMORTAL_NAMESPACES, refOf } from '../shared/object-semantics.js';
import type { ResourceType } from '../shared/registry/resource-type.js';
import { ApiError, errors, qualifiedResource } from '../shared/status.js';

/**
 * The NamespaceLifecycle admission plugin: content may be created only in a namespace that
 * exists and is not being terminated.
 */
export async function admitCreateInNamespace(store: Store, type: ResourceType, namespace: string, name: string): Promise<void> {
  if (!type.namespaced) return;
  const ns = await store.get({ group: '', resource: 'namespaces', namespace: '', name: namespace });
  if (!ns) throw errors.notFound({ group: '', resource: 'namespaces', name: namespace });
  const phase = (ns.status as { phase?: string } | undefined)?.phase;
  if (ns.metadata.deletionTimestamp || phase === 'Terminating') {
    const ref = refOf(type, name);
    throw new ApiError(
      403,
      'Forbidden',
      `${qualifiedResource(ref)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      {
        name,
        ...(type.group ? { group: type.group } : {}),
        kind: type.resource,
        causes: [{ type: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      },
    );
  }
}

/** default, kube-system and kube-public can never be deleted. */
export function admitDelete(type: ResourceType, name: string): void {
  if (type.group === '' && type.resource === 'namespaces' && (IMMORTAL_NAMESPACES as readonly string[]).includes(name)) {
    throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, {
      name,
      kind: 'namespaces',
    });
  }
}
