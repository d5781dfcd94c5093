import type { Store } from '../db/store.js';
import { prepareForCreate, SYSTEM_NAMESPACES } from '../shared/object-semantics.js';
import { createBuiltinRegistry, type Registry } from '../shared/registry/index.js';
import { isApiError } from '../shared/status.js';
import { ensureRbacBootstrap } from './rbac-bootstrap.js';

/**
 * Creates the namespaces kube-apiserver always has (default, kube-system, kube-public,
 * kube-node-lease) if missing, then the default RBAC policy (functions/rbac-bootstrap.ts).
 * Idempotent and safe to run concurrently from several processes: a lost race is an
 * AlreadyExists, which is the goal anyway.
 */
export async function ensureBootstrap(store: Store, opts: { registry?: Registry; now?: () => number } = {}): Promise<void> {
  const registry = opts.registry ?? createBuiltinRegistry();
  const type = registry.byResource('', 'namespaces');
  if (!type) throw new Error('the registry has no namespaces');
  const now = opts.now ?? Date.now;
  for (const name of SYSTEM_NAMESPACES) {
    const key = { group: '', resource: 'namespaces', namespace: '', name };
    if (await store.get(key)) continue;
    const ns = prepareForCreate(type, { metadata: { name } }, { namespace: '', now: now(), uid: crypto.randomUUID() });
    try {
      await store.create(key, ns);
    } catch (e) {
      if (!(isApiError(e) && e.reason === 'AlreadyExists')) throw e;
    }
  }
  await ensureRbacBootstrap(store, registry, now);
}
