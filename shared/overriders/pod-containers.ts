import type { KubeObject } from '../object.js';
import { OverriderFailure } from './overrider.js';

/**
 * Where the containers of the workload kinds Karmada's image, command and args overriders
 * know live. Only `containers`: init and ephemeral containers are left alone, as in Karmada,
 * and any other kind has no default target.
 */
const containersPointerByKind: Record<string, string> = {
  Pod: '/spec/containers',
  ReplicaSet: '/spec/template/spec/containers',
  Deployment: '/spec/template/spec/containers',
  DaemonSet: '/spec/template/spec/containers',
  StatefulSet: '/spec/template/spec/containers',
  Job: '/spec/template/spec/containers',
};

export function containersPointer(kind: string | undefined): string | undefined {
  return kind !== undefined && Object.prototype.hasOwnProperty.call(containersPointerByKind, kind) ? containersPointerByKind[kind] : undefined;
}

export interface ContainerAt {
  /** The JSON pointer to the container, e.g. /spec/template/spec/containers/1. */
  pointer: string;
  container: Record<string, unknown>;
}

/**
 * The containers of a workload with their pointers; none for kinds without a default target
 * or when the list is missing or null. A list that is not a list of objects is malformed.
 */
export function podContainers(manifest: KubeObject): ContainerAt[] {
  const pointer = containersPointer(manifest.kind);
  if (pointer === undefined) return [];
  let current: unknown = manifest;
  for (const token of pointer.slice(1).split('/')) {
    if (current === null || current === undefined) return [];
    if (typeof current !== 'object' || Array.isArray(current)) throw new OverriderFailure(pointer, 'the workload is malformed: a parent of the container list is not an object');
    current = (current as Record<string, unknown>)[token];
  }
  if (current === null || current === undefined) return [];
  if (!Array.isArray(current)) throw new OverriderFailure(pointer, 'is not a list');
  return current.map((container, i) => {
    if (container === null || typeof container !== 'object' || Array.isArray(container)) {
      throw new OverriderFailure(`${pointer}/${i}`, 'is not a container object');
    }
    return { pointer: `${pointer}/${i}`, container: container as Record<string, unknown> };
  });
}
