import { overrideMetadataMap } from './metadata-map.js';
import type { Overrider } from './overrider.js';

/** annotationsOverrider: adds, replaces or removes metadata.annotations entries. */
export const annotationsOverrider: Overrider<'annotationsOverrider'> = {
  name: 'annotationsOverrider',
  apply: (manifest, overrider) => overrideMetadataMap(manifest, 'annotations', overrider),
};
