// Karmada's names for what the control plane derives from a template, so a Karmada user
// finds the same ResourceBinding and Work names (checked against real Karmada: the
// Deployment default/nginx gives binding nginx-deployment and Work nginx-687f7fb96f).

import { fnv32a, safeEncode } from '../simulator/hash.js';

/** names.GenerateBindingName: `<name>-<kind>`, lower case. */
export function bindingName(kind: string, name: string): string {
  return `${name}-${kind}`.toLowerCase();
}

/** names.GenerateWorkName: the name, then the safe-encoded FNV-32a of `[namespace-]name-kind` in lower case. */
export function workName(kind: string, name: string, namespace: string | undefined): string {
  const seed = (namespace ? `${namespace}-${name}-${kind}` : `${name}-${kind}`).toLowerCase();
  return `${name}-${safeEncode(fnv32a(seed))}`;
}
