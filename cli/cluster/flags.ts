// The flags every cluster command takes for the control plane. Kept apart from the client so
// that `flotilla --help` (which imports every command file) loads no Kubernetes client.

import type { FlagSpec } from '../command.js';

export const controlPlaneFlags = {
  kubeconfig: {
    type: 'string',
    valueName: 'FILE',
    env: 'KUBECONFIG',
    description: "The control plane's kubeconfig (default: $KUBECONFIG, else ~/.kube/config)",
  },
  context: {
    type: 'string',
    valueName: 'NAME',
    description: 'The context of --kubeconfig to use (default: its current context)',
  },
} as const satisfies Record<string, FlagSpec>;
