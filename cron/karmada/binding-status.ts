// Karmada's binding status controllers: a binding's Works become its aggregatedStatus and
// FullyApplied condition, and the template's own .status is aggregated from the members as
// Karmada's default interpreter does. Both are written only when they change.

import { rfc3339 } from '../../shared/time.js';
import type { Reconciler, ReconcileContext } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import type { KubeObject } from '../../shared/object.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import { RESOURCE_BINDING_PERMANENT_ID_LABEL, CLUSTER_RESOURCE_BINDING_PERMANENT_ID_LABEL } from '../../shared/karmada/resource-binding.js';
import { EXECUTION_SPACE_PREFIX, type Work } from '../../shared/karmada/work.js';
import { aggregatedStatus } from '../../shared/binding/aggregated-status.js';
import { aggregateStatus } from '../../shared/interpreter/index.js';
import { BINDING_NAME_ANNOTATION, BINDING_NAMESPACE_ANNOTATION, CLUSTER_BINDING_NAME_ANNOTATION } from '../../shared/binding/work-manifest.js';
import { setCondition, type Condition } from '../../shared/simulator/conditions.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { keyOf, splitNamespacedName, writeObject, type Resource } from '../object-writes.js';
import { templateOf } from './binding.js';
import { CLUSTER_RESOURCE_BINDINGS, RESOURCE_BINDINGS, WORKS } from './resources.js';

export const BINDING_STATUS = 'binding-status';

function key(r: Resource, namespace: string, name: string): string {
  return `${r === RESOURCE_BINDINGS ? 'rb' : 'crb'}/${namespace}/${name}`;
}


async function reconcile(ctx: ReconcileContext, k: string): Promise<void> {
  const i = k.indexOf('/');
  const r = k.slice(0, i) === 'rb' ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS;
  const { namespace, name } = splitNamespacedName(k.slice(i + 1));
  const bKey = keyOf(r, namespace, name);
  const binding = (await ctx.store.get(bKey)) as ResourceBinding | undefined;
  if (!binding || binding.metadata.deletionTimestamp) return;
  const idLabel = r === RESOURCE_BINDINGS ? RESOURCE_BINDING_PERMANENT_ID_LABEL : CLUSTER_RESOURCE_BINDING_PERMANENT_ID_LABEL;
  const id = binding.metadata.labels?.[idLabel];
  if (!id) return;
  const { items: works } = await ctx.store.list({ group: WORKS.group, resource: WORKS.resource }, { labelSelector: `${idLabel}=${id}` });
  const { items, fullyApplied } = aggregatedStatus(binding, (works as Work[]).filter((w) => (w.metadata.namespace ?? '').startsWith(EXECUTION_SPACE_PREFIX)));
  if (!binding.spec.clusters?.length) return;
  const status = {
    ...(binding.status ?? {}),
    aggregatedStatus: items,
    conditions: setCondition((binding.status?.conditions ?? []) as Condition[], fullyApplied, rfc3339(ctx.now())) as NonNullable<ResourceBinding['status']>['conditions'],
  };
  if (!jsonEqual(status, binding.status ?? {})) await writeObject(ctx, bKey, binding as KubeObject, { ...binding, status } as KubeObject);

  const template = await templateOf(ctx, binding);
  if (!template || template.metadata.deletionTimestamp) return;
  const next = aggregateStatus(template, items.map((it) => ({ clusterName: it.clusterName, ...(it.status ? { status: it.status as Record<string, unknown> } : {}), ...(it.applied !== undefined ? { applied: it.applied } : {}), ...(it.health ? { health: it.health } : {}) })));
  if (!jsonEqual(next.status, template.status)) {
    const tType = ctx.registry.byKind(template.kind ?? '', (template.apiVersion ?? '').includes('/') ? template.apiVersion!.split('/')[0] : '')[0];
    if (!tType) return;
    const stored = await ctx.store.get(keyOf({ group: tType.group, resource: tType.resource }, template.metadata.namespace ?? '', template.metadata.name ?? ''));
    if (stored) await writeObject(ctx, keyOf({ group: tType.group, resource: tType.resource }, template.metadata.namespace ?? '', template.metadata.name ?? ''), stored, { ...stored, status: next.status });
  }
}

export const bindingStatusController: Reconciler = {
  name: BINDING_STATUS,
  concurrency: 5,
  maxConcurrentFlag: 'concurrent-resourcebinding-syncs',
  keysFor(change: LoggedChange) {
    const k = change.key;
    if (k.group === WORKS.group && k.resource === WORKS.resource) {
      const a = change.object.metadata.annotations ?? {};
      if (a[BINDING_NAME_ANNOTATION]) return [key(RESOURCE_BINDINGS, a[BINDING_NAMESPACE_ANNOTATION] ?? '', a[BINDING_NAME_ANNOTATION])];
      if (a[CLUSTER_BINDING_NAME_ANNOTATION]) return [key(CLUSTER_RESOURCE_BINDINGS, '', a[CLUSTER_BINDING_NAME_ANNOTATION])];
      return [];
    }
    if (k.group === RESOURCE_BINDINGS.group && k.resource === RESOURCE_BINDINGS.resource && change.type !== 'DELETED') return [key(RESOURCE_BINDINGS, k.namespace, k.name)];
    if (k.group === CLUSTER_RESOURCE_BINDINGS.group && k.resource === CLUSTER_RESOURCE_BINDINGS.resource && change.type !== 'DELETED') return [key(CLUSTER_RESOURCE_BINDINGS, '', k.name)];
    return [];
  },
  reconcile,
};
