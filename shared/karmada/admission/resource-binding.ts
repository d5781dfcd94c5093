import type { AdmissionPlugin } from '../../admission/plugin.js';
import {
  CLUSTER_RESOURCE_BINDING_PERMANENT_ID_LABEL,
  RESOURCE_BINDING_PERMANENT_ID_LABEL,
  WORK_GROUP,
} from '../resource-binding.js';

/** Karmada's binding webhooks: every binding carries a permanent id, given once and kept. */
export function resourceBindingPlugins(): AdmissionPlugin[] {
  const withPermanentId = (name: string, resource: string, label: string): AdmissionPlugin => ({
    name,
    resources: [`${resource}.${WORK_GROUP}`],
    mutate({ object, newId }) {
      if (object.metadata.labels?.[label]) return object;
      return { ...object, metadata: { ...object.metadata, labels: { ...(object.metadata.labels ?? {}), [label]: newId() } } };
    },
  });
  return [
    withPermanentId('ResourceBinding', 'resourcebindings', RESOURCE_BINDING_PERMANENT_ID_LABEL),
    withPermanentId('ClusterResourceBinding', 'clusterresourcebindings', CLUSTER_RESOURCE_BINDING_PERMANENT_ID_LABEL),
  ];
}
