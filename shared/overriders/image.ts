import type { KubeObject } from '../object.js';
import { applyPatch, type PatchOperation } from './json-patch.js';
import { getByPointer } from './json-pointer.js';
import { formatImageReference, isDigest, isTag, parseImageReference, type ImageReference } from './image-reference.js';
import { type Overrider, type OverriderItem, OverriderFailure } from './overrider.js';
import { podContainers } from './pod-containers.js';

export type ImageOverrider = OverriderItem<'imageOverrider'>;

// A tag or digest value that is neither leaves the reference as it was (Karmada's
// SetTagOrDigest), which is why adding a digest to a tagged image changes nothing.
function setTagOrDigest(ref: ImageReference, value: string): void {
  if (isTag(value)) {
    ref.tag = value;
    ref.digest = '';
  } else if (isDigest(value)) {
    ref.digest = value;
    ref.tag = '';
  }
}

/**
 * One component of an image reference changed. `add` appends the value to the component as
 * it is (so adding `.test` to the registry `a.example` gives `a.example.test`, and adding a
 * registry to an image without one sets it), `replace` sets it, `remove` clears it; a
 * removed repository leaves `registry/:tag`, as Karmada does.
 */
export function overrideImage(image: string, overrider: ImageOverrider): string {
  const ref = parseImageReference(image);
  // Karmada keeps only one of tag and digest, the tag, from the moment it parses.
  if (ref.tag !== '') ref.digest = '';
  const value = overrider.value ?? '';
  switch (overrider.component) {
    case 'Registry':
      if (overrider.operator === 'add') ref.registry += value;
      else if (overrider.operator === 'replace') ref.registry = value;
      else ref.registry = '';
      break;
    case 'Repository':
      if (overrider.operator === 'add') ref.repository += value;
      else if (overrider.operator === 'replace') ref.repository = value;
      else ref.repository = '';
      break;
    case 'Tag':
      if (overrider.operator === 'add') setTagOrDigest(ref, (ref.tag || ref.digest) + value);
      else if (overrider.operator === 'replace') setTagOrDigest(ref, value);
      else if (ref.tag !== '') ref.tag = '';
      else ref.digest = '';
      break;
  }
  return formatImageReference(ref);
}

function replaceImage(path: string, image: string, overrider: ImageOverrider): PatchOperation {
  let next: string;
  try {
    next = overrideImage(image, overrider);
  } catch (e) {
    throw new OverriderFailure(path, `cannot parse image ${JSON.stringify(image)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { op: 'replace', path, value: next };
}

/** The image fields one overrider targets: its predicate's path, else every container of a known workload kind. */
function imageOperations(manifest: KubeObject, overrider: ImageOverrider): PatchOperation[] {
  if (overrider.predicate) {
    const path = overrider.predicate.path;
    const found = getByPointer(manifest, path);
    if (!found.found) throw new OverriderFailure(path, `no image there: ${found.reason}`);
    if (typeof found.value !== 'string') throw new OverriderFailure(path, 'does not hold an image string');
    return [replaceImage(path, found.value, overrider)];
  }
  return podContainers(manifest).map(({ pointer, container }) => {
    const path = `${pointer}/image`;
    const image = container.image ?? '';
    if (typeof image !== 'string') throw new OverriderFailure(path, 'does not hold an image string');
    return replaceImage(path, image, overrider);
  });
}

export const imageOverrider: Overrider<'imageOverrider'> = {
  name: 'imageOverrider',
  apply(manifest, overrider) {
    const ops = imageOperations(manifest, overrider);
    return ops.length === 0 ? manifest : applyPatch(manifest, ops);
  },
};
