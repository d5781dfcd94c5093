import { arrayAt, isRecord, recordAt, stringAt, type JsonObject } from './fields.js';
import type { DependentObjectReference } from './types.js';

/**
 * The ConfigMaps, Secrets, ServiceAccount and PersistentVolumeClaims a pod spec refers to,
 * which must exist in every cluster the workload runs in. References are visited the way
 * kubelet's VisitPodSecretNames / VisitPodConfigmapNames do: image pull secrets, env and
 * envFrom of every container kind, and each volume's first matching source.
 */

const CONTAINER_FIELDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Volume sources that carry a secret, and where its name sits; the first present source of a volume decides. */
const SECRET_VOLUME_SOURCES: ReadonlyArray<[source: string, path: readonly string[]]> = [
  ['azureFile', ['secretName']],
  ['cephfs', ['secretRef', 'name']],
  ['cinder', ['secretRef', 'name']],
  ['flexVolume', ['secretRef', 'name']],
  ['projected', []],
  ['rbd', ['secretRef', 'name']],
  ['secret', ['secretName']],
  ['scaleIO', ['secretRef', 'name']],
  ['iscsi', ['secretRef', 'name']],
  ['storageos', ['secretRef', 'name']],
  ['csi', ['nodePublishSecretRef', 'name']],
];

function each(list: unknown[] | undefined): JsonObject[] {
  return (list ?? []).filter(isRecord);
}

function allContainers(spec: JsonObject): JsonObject[] {
  return CONTAINER_FIELDS.flatMap((f) => each(arrayAt(spec, f)));
}

function add(into: Set<string>, name: string | undefined): void {
  if (name) into.add(name);
}

function projectedNames(source: JsonObject, kind: 'secret' | 'configMap'): string[] {
  return each(arrayAt(source, 'sources')).flatMap((s) => {
    const name = stringAt(s, kind, 'name');
    return name ? [name] : [];
  });
}

export function podSecretNames(spec: JsonObject): Set<string> {
  const names = new Set<string>();
  for (const ref of each(arrayAt(spec, 'imagePullSecrets'))) add(names, stringAt(ref, 'name'));
  for (const c of allContainers(spec)) {
    for (const from of each(arrayAt(c, 'envFrom'))) add(names, stringAt(from, 'secretRef', 'name'));
    for (const env of each(arrayAt(c, 'env'))) add(names, stringAt(env, 'valueFrom', 'secretKeyRef', 'name'));
  }
  for (const volume of each(arrayAt(spec, 'volumes'))) {
    const match = SECRET_VOLUME_SOURCES.find(([source]) => recordAt(volume, source) !== undefined);
    if (!match) continue;
    const [source, path] = match;
    const sourceObj = recordAt(volume, source)!;
    if (source === 'projected') for (const n of projectedNames(sourceObj, 'secret')) names.add(n);
    else add(names, stringAt(sourceObj, ...path));
  }
  return names;
}

export function podConfigMapNames(spec: JsonObject): Set<string> {
  const names = new Set<string>();
  for (const c of allContainers(spec)) {
    for (const from of each(arrayAt(c, 'envFrom'))) add(names, stringAt(from, 'configMapRef', 'name'));
    for (const env of each(arrayAt(c, 'env'))) add(names, stringAt(env, 'valueFrom', 'configMapKeyRef', 'name'));
  }
  for (const volume of each(arrayAt(spec, 'volumes'))) {
    const projected = recordAt(volume, 'projected');
    if (projected) for (const n of projectedNames(projected, 'configMap')) names.add(n);
    else add(names, stringAt(volume, 'configMap', 'name'));
  }
  return names;
}

export function podServiceAccountNames(spec: JsonObject): Set<string> {
  const name = stringAt(spec, 'serviceAccountName');
  // Every namespace has its own "default"; there is nothing to carry along.
  return new Set(name && name !== 'default' ? [name] : []);
}

export function podPersistentVolumeClaimNames(spec: JsonObject): Set<string> {
  const names = new Set<string>();
  for (const volume of each(arrayAt(spec, 'volumes'))) add(names, stringAt(volume, 'persistentVolumeClaim', 'claimName'));
  return names;
}

function refs(kind: string, namespace: string, names: Set<string>): DependentObjectReference[] {
  return [...names].sort().map((name) => ({ apiVersion: 'v1', kind, namespace, name }));
}

/** ConfigMaps, then Secrets, ServiceAccounts and PersistentVolumeClaims, each sorted by name. */
export function podSpecDependencies(spec: JsonObject | undefined, namespace: string): DependentObjectReference[] {
  if (!spec) return [];
  return [
    ...refs('ConfigMap', namespace, podConfigMapNames(spec)),
    ...refs('Secret', namespace, podSecretNames(spec)),
    ...refs('ServiceAccount', namespace, podServiceAccountNames(spec)),
    ...refs('PersistentVolumeClaim', namespace, podPersistentVolumeClaimNames(spec)),
  ];
}

/** The dependencies of a workload's pod template at spec.<path…>.template.spec. */
export function podTemplateDependencies(obj: { metadata: { namespace?: string } }, ...templatePath: string[]): DependentObjectReference[] {
  return podSpecDependencies(recordAt(obj, ...templatePath, 'spec'), obj.metadata.namespace ?? '');
}
