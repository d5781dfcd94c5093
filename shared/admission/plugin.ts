import type { KubeObject } from '../object.js';
import type { StatusCause } from '../status.js';

/**
 * Admission as kube-apiserver runs it for writes to a main resource: every mutating
 * plugin for the kind in order, then every validating plugin, each a pure function of the
 * request. A kind gets admission by adding a plugin to the list in ./index.ts.
 */

export type AdmissionOperation = 'CREATE' | 'UPDATE';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  /** `resource.group` of the object (`pods` for the core group). */
  resource: string;
  /** The object as it will be stored: identity, namespace and timestamps already set by the server. */
  object: KubeObject;
  /** The stored object an UPDATE replaces. */
  oldObject?: KubeObject;
  /** The other stored objects of the resource, for plugins that set `needsPeers`. */
  peers: readonly KubeObject[];
  /** A fresh UUID (permanent ids); injected so tests can pin it. */
  newId(): string;
  now(): number;
}

/** A mutation that cannot go on: the request is refused with these field errors. */
export interface Refusal {
  refused: StatusCause[];
}

export interface AdmissionPlugin {
  name: string;
  /** The resources (`resource.group`, `pods` for the core group) the plugin admits. */
  resources: readonly string[];
  /**
   * Subresource writes the plugin also admits (a CRD's schema checks /status writes too;
   * webhooks registered for the main resource do not see them).
   */
  subresources?: readonly 'status'[];
  /** Validation compares against the other stored objects of the resource. */
  needsPeers?: boolean;
  mutate?(attrs: AdmissionAttributes): KubeObject | Refusal;
  validate?(attrs: AdmissionAttributes): StatusCause[];
}

export function isRefusal(r: KubeObject | Refusal): r is Refusal {
  return Array.isArray((r as Refusal).refused);
}

export type AdmissionResult = { ok: true; object: KubeObject } | { ok: false; causes: StatusCause[] };

/** The chain for a write to `resourceKey`, or to its `subresource` when given. */
export function pluginsFor(plugins: readonly AdmissionPlugin[], resourceKey: string, subresource?: 'status'): AdmissionPlugin[] {
  return plugins.filter((p) => p.resources.includes(resourceKey) && (!subresource || (p.subresources ?? []).includes(subresource)));
}

/**
 * Runs the chain. Peers are loaded only when a plugin asks, so kinds without such rules
 * cost no extra read.
 */
export async function runAdmission(
  chain: readonly AdmissionPlugin[],
  attrs: Omit<AdmissionAttributes, 'peers'>,
  loadPeers: () => Promise<KubeObject[]>,
): Promise<AdmissionResult> {
  if (!chain.length) return { ok: true, object: attrs.object };
  const peers = chain.some((p) => p.needsPeers) ? await loadPeers() : [];
  let object = attrs.object;
  for (const p of chain) {
    if (!p.mutate) continue;
    const r = p.mutate({ ...attrs, object, peers });
    if (isRefusal(r)) return { ok: false, causes: r.refused };
    object = r;
  }
  const causes: StatusCause[] = [];
  for (const p of chain) {
    if (p.validate) causes.push(...p.validate({ ...attrs, object, peers }));
  }
  return causes.length ? { ok: false, causes } : { ok: true, object };
}
