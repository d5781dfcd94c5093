import type { AdmissionPlugin } from '../../admission/plugin.js';
import type { KubeObject } from '../../object.js';
import type { StatusCause } from '../../status.js';
import { rfc3339 } from '../../time.js';
import {
  CLUSTER_GROUP,
  CLUSTER_NAME_MAX_LENGTH,
  defaultResourceModels,
  MAX_INT64,
  resourceModelNames,
  type Cluster,
  type ClusterSpec,
  type ResourceModel,
} from '../cluster.js';
import type { Taint } from '../common.js';
import { child, duplicate, index, invalid, notSupported, required } from '../field-errors.js';
import { labelValueErrors, qualifiedNameErrors } from '../name-rules.js';
import { parseQuantity } from '../quantity.js';

/**
 * What Karmada's aggregated API server does to a Cluster on the way in (its strategy's
 * mutation and validation): zone moves into zones, NoExecute taints get their time, resource
 * models are defaulted or normalised, then names, URLs, secrets, taints and models are checked.
 */

const asCluster = (obj: KubeObject): Cluster => obj as unknown as Cluster;

const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];
const PROXY_SCHEMES = ['http:', 'https:', 'socks5:'];

// ---- mutation ----

/** Sorted by grade; the first grade starts at zero and the last is open-ended. */
export function standardizeResourceModels(models: ResourceModel[]): void {
  if (!models.length) return;
  models.sort((a, b) => a.grade - b.grade);
  for (const r of models[0]!.ranges) r.min = '0';
  for (const r of models[models.length - 1]!.ranges) r.max = MAX_INT64;
}

export function mutateClusterSpec(spec: ClusterSpec, operation: 'CREATE' | 'UPDATE', now: number): void {
  for (const t of spec.taints ?? []) if (t.effect === 'NoExecute' && !t.timeAdded) t.timeAdded = rfc3339(now);
  if (spec.zone && !(spec.zones ?? []).length) {
    spec.zones = [spec.zone];
    delete spec.zone;
  }
  if (spec.resourceModels?.length) standardizeResourceModels(spec.resourceModels);
  else if (operation === 'CREATE') spec.resourceModels = defaultResourceModels();
}

// ---- validation ----

function urlErrors(value: string, path: string, what: 'apiEndpoint' | 'proxyURL'): StatusCause[] {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return [invalid(path, value, `${what} must be a valid URL (hostname, hostname:port, IP or IP:port with a scheme)`)];
  }
  const out: StatusCause[] = [];
  if (what === 'proxyURL') {
    if (!PROXY_SCHEMES.includes(u.protocol)) out.push(invalid(path, value, `scheme ${JSON.stringify(u.protocol.replace(/:$/, ''))} is not supported; use http, https or socks5`));
    return out;
  }
  if (!u.host) out.push(invalid(path, u.host, 'a host is required'));
  if (u.username || u.password) out.push(invalid(path, value, 'user information is not allowed in the URL'));
  if (u.hash) out.push(invalid(path, u.hash.slice(1), 'fragments are not allowed in the URL'));
  if (u.search) out.push(invalid(path, u.search.slice(1), 'query parameters are not allowed in the URL'));
  return out;
}

function secretRefErrors(ref: { namespace: string; name: string } | undefined, path: string): StatusCause[] {
  if (!ref) return [];
  const out: StatusCause[] = [];
  if (!ref.namespace) out.push(required(child(path, 'namespace')));
  if (!ref.name) out.push(required(child(path, 'name')));
  return out;
}

export function validateTaints(taints: Taint[] | undefined, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const at = index(path, i);
    for (const e of qualifiedNameErrors(t.key)) out.push(invalid(child(at, 'key'), t.key, e));
    if (t.value) for (const e of labelValueErrors(t.value)) out.push(invalid(child(at, 'value'), t.value, e));
    if (!TAINT_EFFECTS.includes(t.effect)) out.push(notSupported(child(at, 'effect'), t.effect, TAINT_EFFECTS));
    const id = `${t.key}:${t.effect}`;
    if (seen.has(id)) out.push(duplicate(at, id));
    seen.add(id);
  });
  return out;
}

/**
 * Models must describe the same resources in the same order, with contiguous intervals
 * from zero to int64's maximum; Karmada stops at the first broken rule, and so does this.
 */
export function validateResourceModels(models: ResourceModel[] | undefined, path: string): StatusCause[] {
  const list = models ?? [];
  const out: StatusCause[] = [];
  for (let i = 0; i < list.length; i++) {
    const m = list[i]!;
    const prev = i > 0 ? list[i - 1] : undefined;
    if (prev && prev.grade === m.grade) out.push(invalid(path, m.grade, 'each resource model must have its own grade'));
    if (prev && prev.ranges.length !== m.ranges.length) out.push(invalid(path, m.grade, 'every resource model must grade the same resources'));
    for (let j = 0; j < m.ranges.length; j++) {
      const r = m.ranges[j]!;
      const at = index(child(index(path, i), 'ranges'), j);
      if (!(resourceModelNames as readonly string[]).includes(r.name)) out.push(notSupported(child(at, 'name'), r.name, resourceModelNames));
      const min = parseQuantity(r.min);
      const max = parseQuantity(r.max);
      if (min === undefined) return [...out, invalid(child(at, 'min'), r.min, 'must be a quantity')];
      if (max === undefined) return [...out, invalid(child(at, 'max'), r.max, 'must be a quantity')];
      if (max <= min) return [...out, invalid(at, r, 'max must be greater than min')];
      if (i === 0 && min !== 0n) return [...out, invalid(child(at, 'min'), r.min, 'the first resource model must start at 0')];
      const before = prev?.ranges[j];
      if (before) {
        if (before.name !== r.name) out.push(invalid(child(at, 'name'), r.name, 'every resource model must grade the same resources in the same order'));
        if (parseQuantity(before.max) !== min) out.push(invalid(child(at, 'min'), r.min, "intervals must be contiguous: this model must start where the previous one ends"));
      }
      if (i === list.length - 1 && max !== BigInt(MAX_INT64) * 10n ** 9n) {
        out.push(invalid(child(at, 'max'), r.max, `the last resource model must end at ${MAX_INT64}`));
      }
    }
  }
  return out;
}

export function validateCluster(c: Cluster): StatusCause[] {
  const out: StatusCause[] = [];
  const name = c.metadata.name ?? '';
  if (name.length > CLUSTER_NAME_MAX_LENGTH) {
    out.push(invalid('metadata.name', name, `must be no more than ${CLUSTER_NAME_MAX_LENGTH} characters (the execution namespace adds a prefix)`));
  }
  const spec = c.spec;
  if (spec.apiEndpoint) out.push(...urlErrors(spec.apiEndpoint, 'spec.apiEndpoint', 'apiEndpoint'));
  out.push(...secretRefErrors(spec.secretRef, 'spec.secretRef'));
  out.push(...secretRefErrors(spec.impersonatorSecretRef, 'spec.impersonatorSecretRef'));
  if (spec.proxyURL) out.push(...urlErrors(spec.proxyURL, 'spec.proxyURL', 'proxyURL'));
  for (const field of ['provider', 'region', 'zone'] as const) {
    const v = spec[field];
    if (v) for (const e of labelValueErrors(v)) out.push(invalid(`spec.${field}`, v, e));
  }
  (spec.zones ?? []).forEach((z, i) => {
    for (const e of labelValueErrors(z)) out.push(invalid(index('spec.zones', i), z, e));
  });
  if (spec.zone && (spec.zones ?? []).length) out.push(invalid('spec.zone', spec.zone, 'zone and zones cannot both be set; use zones'));
  out.push(...validateTaints(spec.taints, 'spec.taints'));
  out.push(...validateResourceModels(spec.resourceModels, 'spec.resourceModels'));
  return out;
}

export function clusterPlugins(): AdmissionPlugin[] {
  return [
    {
      name: 'Cluster',
      resources: [`clusters.${CLUSTER_GROUP}`],
      mutate({ operation, object, now }) {
        const c = structuredClone(asCluster(object));
        mutateClusterSpec(c.spec, operation, now());
        return c as unknown as KubeObject;
      },
      validate({ object }) {
        return validateCluster(asCluster(object));
      },
    },
  ];
}
