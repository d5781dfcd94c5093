import { overrideContainerField } from './command-args.js';
import type { Overrider } from './overrider.js';

/** argsOverrider: appends to or removes from a named container's args. */
export const argsOverrider: Overrider<'argsOverrider'> = {
  name: 'argsOverrider',
  apply: (manifest, overrider) => overrideContainerField(manifest, 'args', overrider),
};
