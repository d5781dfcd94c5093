import type { ResourceTypeInput, Subresource, Verb } from '../registry/resource-type.js';
import { findCondition } from './conditions.js';
import { storageVersionOf } from './definition-validation.js';
import type { CustomResourceDefinition, CustomResourceInfo, CustomResourceVersionInfo, JSONSchemaProps, ScalePaths } from './types.js';
import { compareKubeAwareVersions } from './versions.js';

const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function isCrdEstablished(crd: CustomResourceDefinition): boolean {
  return findCondition(crd, 'Established')?.status === 'True';
}

function hasDefaults(s: JSONSchemaProps | undefined): boolean {
  if (!s) return false;
  if (s.default !== undefined) return true;
  const items = s.items && !Array.isArray(s.items) ? [s.items] : [];
  const additional = typeof s.additionalProperties === 'object' ? [s.additionalProperties] : [];
  return [...Object.values(s.properties ?? {}), ...items, ...additional].some(hasDefaults);
}

function versionInfo(v: NonNullable<NonNullable<CustomResourceDefinition['spec']>['versions']>[number]): CustomResourceVersionInfo {
  const scale = v.subresources?.scale;
  const scalePaths: ScalePaths | undefined =
    scale?.specReplicasPath && scale.statusReplicasPath
      ? {
          specReplicasPath: scale.specReplicasPath,
          statusReplicasPath: scale.statusReplicasPath,
          ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}),
        }
      : undefined;
  return {
    ...(v.schema?.openAPIV3Schema ? { schema: v.schema.openAPIV3Schema } : {}),
    hasDefaults: hasDefaults(v.schema?.openAPIV3Schema),
    status: v.subresources?.status !== undefined,
    ...(scalePaths ? { scale: scalePaths } : {}),
    printerColumns: v.additionalPrinterColumns ?? [],
    deprecated: v.deprecated === true,
    ...(v.deprecationWarning !== undefined ? { deprecationWarning: v.deprecationWarning } : {}),
  };
}

/**
 * The registry entry of the kind an Established CRD defines (undefined when it serves
 * nothing). Names come from status.acceptedNames, as upstream serves them, so a name held
 * by another CRD is never served twice.
 */
export function resourceTypeForCrd(crd: CustomResourceDefinition): ResourceTypeInput | undefined {
  if (!isCrdEstablished(crd)) return undefined;
  const spec = crd.spec ?? {};
  const names = crd.status?.acceptedNames ?? {};
  const storageVersion = storageVersionOf(crd);
  if (!spec.group || !names.plural || !names.kind || !storageVersion) return undefined;
  const served = (spec.versions ?? []).filter((v) => v.served && v.name);
  if (served.length === 0) return undefined;
  const versions = served.map((v) => v.name!).sort(compareKubeAwareVersions);
  const info: CustomResourceInfo = {
    crdName: String(crd.metadata.name ?? ''),
    crdUid: String(crd.metadata.uid ?? ''),
    listKind: names.listKind || `${names.kind}List`,
    storageVersion,
    versions: Object.fromEntries(served.map((v) => [v.name!, versionInfo(v)])),
    preserveUnknownFields: spec.preserveUnknownFields === true,
    terminating: Boolean(crd.metadata.deletionTimestamp),
  };
  const subresources: Subresource[] = [];
  if (Object.values(info.versions).some((v) => v.status)) subresources.push('status');
  if (Object.values(info.versions).some((v) => v.scale)) subresources.push('scale');
  return {
    group: spec.group,
    versions,
    storageVersion,
    resource: names.plural,
    kind: names.kind,
    singular: names.singular || names.kind.toLowerCase(),
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    namespaced: spec.scope === 'Namespaced',
    verbs: ALL_VERBS,
    subresources,
    // Custom resources always track generation; status writes do not move it.
    generation: 'spec',
    customResource: info,
  };
}

/** Registry entries for every Established CRD, in a stable order (by group, then name). */
export function customResourceTypes(crds: readonly CustomResourceDefinition[]): ResourceTypeInput[] {
  return [...crds]
    .sort((a, b) => String(a.metadata.name ?? '').localeCompare(String(b.metadata.name ?? '')))
    .map(resourceTypeForCrd)
    .filter((t): t is ResourceTypeInput => t !== undefined);
}
