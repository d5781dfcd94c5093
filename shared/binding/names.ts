// Karmada's names for what the control plane derives from a template, so a Karmada user
// finds the same ResourceBinding and Work names (checked against real Karmada: the
// Deployment default/nginx gives binding nginx-deployment and Work nginx-687f7fb96f; the
// Namespace ov gives Work ov-6844ccb8bb).

import { fnv32a, safeEncode } from '../simulator/hash.js';

/**
 * RBAC names may hold ':' (system:controller:x), which a binding or Work name (a DNS
 * subdomain) may not: Karmada turns it into '.'.
 */
function dnsSafe(name: string): string {
  return name.replaceAll(':', '.');
}

/** names.GenerateBindingName: `<name>-<kind>`, lower case. */
export function bindingName(kind: string, name: string): string {
  return `${dnsSafe(name)}-${kind}`.toLowerCase();
}

/** names.GenerateWorkName: the name, then the safe-encoded FNV-32a of `[namespace-]name-kind` in lower case. */
export function workName(kind: string, name: string, namespace: string | undefined): string {
  const safe = dnsSafe(name).toLowerCase();
  const seed = (namespace ? `${namespace}-${safe}-${kind}` : `${safe}-${kind}`).toLowerCase();
  return `${safe}-${safeEncode(fnv32a(seed))}`;
}

/**
 * names.GenerateBindingReferenceKey: the hash that makes the label key by which an attached
 * binding names each binding depending on it (`resourcebinding.karmada.io/depended-by-<key>`).
 */
export function bindingReferenceKey(namespace: string | undefined, name: string): string {
  return safeEncode(fnv32a(namespace ? `${namespace}/${name}` : name));
}
