import type { KubeObject } from '../object.js';
import { WORK_GROUP } from './resource-binding.js';
import { bindingFromV1alpha1, bindingToV1alpha1 } from './resource-binding-v1alpha1.js';

/** Karmada's conversion webhook as converters, keyed `resource.group/version` like shared/conversion's. */
export const karmadaConverters: Record<string, { toStorage(obj: KubeObject): KubeObject; fromStorage(obj: KubeObject): KubeObject }> = {
  [`resourcebindings.${WORK_GROUP}/v1alpha1`]: { toStorage: bindingFromV1alpha1, fromStorage: bindingToV1alpha1 },
  [`clusterresourcebindings.${WORK_GROUP}/v1alpha1`]: { toStorage: bindingFromV1alpha1, fromStorage: bindingToV1alpha1 },
};
