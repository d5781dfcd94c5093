import { applyPatch } from './json-patch.js';
import type { Overrider } from './overrider.js';

/** plaintext: one RFC 6902 add, remove or replace on the manifest itself. */
export const plaintextOverrider: Overrider<'plaintext'> = {
  name: 'plaintext',
  apply: (manifest, overrider) => applyPatch(manifest, [{ op: overrider.operator, path: overrider.path, value: overrider.value }]),
};
