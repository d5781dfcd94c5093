import type { AdmissionPlugin } from '../../admission/plugin.js';
import { karmadaKindVersions, storageSchemaFor } from '../kinds.js';
import { checkStructure } from '../structural.js';

/**
 * First in every Karmada kind's chain, as a CRD's schema comes before its webhooks:
 * prune unknown fields, apply the schema defaults, refuse what does not fit the schema.
 */
export const schemaPlugin: AdmissionPlugin = {
  name: 'KarmadaSchema',
  resources: [...new Set(karmadaKindVersions.map((k) => k.resourceKey))],
  subresources: ['status'],
  mutate({ resource, object }) {
    const schema = storageSchemaFor(resource);
    if (!schema) return object;
    const r = checkStructure(schema, object);
    return r.ok ? r.value : { refused: r.causes };
  },
};
