import { overrideContainerField } from './command-args.js';
import type { Overrider } from './overrider.js';

/** commandOverrider: appends to or removes from a named container's command. */
export const commandOverrider: Overrider<'commandOverrider'> = {
  name: 'commandOverrider',
  apply: (manifest, overrider) => overrideContainerField(manifest, 'command', overrider),
};
