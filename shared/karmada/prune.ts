/**
 * What a resource template must lose before it is sent to a member cluster: fields the
 * control plane's own API server filled in, which the member's would refuse or re-own
 * (identity, timestamps, status, a Service's allocated IPs, a Job's generated selector,
 * a ServiceAccount's generated token secrets, a Job's TTL).
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const SERVER_METADATA = [
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
  'managedFields',
  'resourceVersion',
  'selfLink',
  'uid',
  'ownerReferences',
  'finalizers',
] as const;

function dropLabels(container: unknown, keys: string[]): void {
  if (!isObj(container) || !isObj(container.labels)) return;
  for (const k of keys) delete container.labels[k];
}

/** Returns a pruned copy of `manifest`. */
export function pruneManifest(manifest: Obj): Obj {
  const obj = structuredClone(manifest);
  if (isObj(obj.metadata)) for (const f of SERVER_METADATA) delete obj.metadata[f];
  delete obj.status;
  const spec = isObj(obj.spec) ? obj.spec : undefined;
  const kind = obj.kind;
  if (kind === 'Service' && spec && spec.clusterIP !== undefined && spec.clusterIP !== 'None') {
    // Headless services keep "None": that is the user's choice, not an allocation.
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }
  if (kind === 'Job' && spec) {
    if (spec.manualSelector !== true) {
      if (isObj(spec.selector) && isObj(spec.selector.matchLabels)) delete spec.selector.matchLabels['controller-uid'];
      const template = isObj(spec.template) ? spec.template.metadata : undefined;
      dropLabels(template, ['controller-uid', 'job-name']);
    }
    // A member's TTL controller would delete the Job and the control plane would recreate it.
    delete spec.ttlSecondsAfterFinished;
  }
  if (kind === 'ServiceAccount' && Array.isArray(obj.secrets) && isObj(obj.metadata)) {
    const prefix = `${String(obj.metadata.name ?? '')}-token-`;
    obj.secrets = obj.secrets.filter((s) => !(isObj(s) && typeof s.name === 'string' && s.name.startsWith(prefix)));
  }
  return obj;
}
