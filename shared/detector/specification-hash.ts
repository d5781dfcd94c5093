// Karmada's resource-template specification hash: a stable identity of everything in a
// template that can change what is scheduled or delivered. Status and the fields the API
// server generates are left out, so a status write (the control plane's own aggregation, a
// member's report) does not look like a new template to the detector.

import { createHash } from 'node:crypto';
import type { KubeObject } from '../object.js';
import { canonicalJson } from '../simulator/hash.js';

/** On a binding: the hash of the template its spec.resource.resourceVersion was taken from. */
export const SPECIFICATION_HASH_ANNOTATION = 'binding.karmada.io/resource-template-specification-hash';

const GENERATED_METADATA = ['resourceVersion', 'managedFields', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'uid'] as const;

export function templateSpecificationHash(template: KubeObject): string {
  const { status: _status, ...rest } = template as KubeObject & { status?: unknown };
  const metadata: Record<string, unknown> = { ...template.metadata };
  for (const f of GENERATED_METADATA) delete metadata[f];
  return `v1:sha256:${createHash('sha256').update(canonicalJson({ ...rest, metadata })).digest('hex')}`;
}
