import type { KubeObject } from '../object.js';
import { applyPatch, type PatchOperation } from './json-patch.js';
import { OverriderFailure, type OverriderItem } from './overrider.js';
import { podContainers } from './pod-containers.js';

/** commandOverrider and argsOverrider entries share one shape. */
export type CommandArgsOverrider = OverriderItem<'commandOverrider'>;

/** add appends the values; remove drops every item equal to one of them. */
export function overrideStringList(current: readonly string[], overrider: CommandArgsOverrider): string[] {
  const values = overrider.value ?? [];
  if (overrider.operator === 'add') return [...current, ...values];
  const drop = new Set(values);
  return current.filter((v) => !drop.has(v));
}

/**
 * Changes `field` (command or args) of every container named `containerName` in the
 * workload's containers. A container without the field gets it created from an empty list,
 * so `remove` there leaves an empty list behind, as Karmada does.
 */
export function overrideContainerField(manifest: KubeObject, field: 'command' | 'args', overrider: CommandArgsOverrider): KubeObject {
  const ops: PatchOperation[] = [];
  for (const { pointer, container } of podContainers(manifest)) {
    if (container.name !== overrider.containerName) continue;
    const path = `${pointer}/${field}`;
    const current = container[field];
    if (current === undefined || current === null) {
      ops.push({ op: 'add', path, value: overrideStringList([], overrider) });
      continue;
    }
    if (!Array.isArray(current)) throw new OverriderFailure(path, 'is not a list');
    ops.push({ op: 'replace', path, value: overrideStringList(current.map(String), overrider) });
  }
  return ops.length === 0 ? manifest : applyPatch(manifest, ops);
}
