import { overrideMetadataMap } from './metadata-map.js';
import type { Overrider } from './overrider.js';

/** labelsOverrider: adds, replaces or removes metadata.labels entries. */
export const labelsOverrider: Overrider<'labelsOverrider'> = {
  name: 'labelsOverrider',
  apply: (manifest, overrider) => overrideMetadataMap(manifest, 'labels', overrider),
};
