import type { KubeObject } from '../object.js';
import { arrayAt, clone, isRecord } from './fields.js';
import type { KindInterpreter } from './types.js';

function nameOf(ref: unknown): string | undefined {
  return isRecord(ref) && typeof ref.name === 'string' ? ref.name : undefined;
}

/** The template's references, then the member's that the template does not name. */
function mergeByName(desired: unknown[] | undefined, observed: unknown[] | undefined): unknown[] {
  const merged = [...(desired ?? [])];
  const names = new Set(merged.map(nameOf));
  for (const ref of observed ?? []) {
    const name = nameOf(ref);
    if (names.has(name)) continue;
    merged.push(clone(ref));
    names.add(name);
  }
  return merged;
}

/**
 * Members generate token and registry secrets and add them to the ServiceAccount; dropping
 * them on every update would make the member's controllers create them again, forever.
 */
export function retainServiceAccountFields(desired: KubeObject, observed: KubeObject): KubeObject {
  const out = clone(desired);
  for (const field of ['secrets', 'imagePullSecrets']) {
    const merged = mergeByName(arrayAt(desired, field), arrayAt(observed, field));
    if (merged.length > 0) out[field] = merged;
  }
  return out;
}

export const serviceAccountInterpreter: KindInterpreter = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  retain: retainServiceAccountFields,
};
