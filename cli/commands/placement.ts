// `flotilla placement KIND/NAME` and `flotilla placement -f policy.yaml`: why a workload
// landed where it did, and where a policy would put the templates it selects (cli/placement/).

import { defineCommand } from '../command.js';
import { controlPlaneFlags } from '../cluster/flags.js';

export const command = defineCommand({
  name: 'placement',
  summary: 'Explain where a workload is scheduled, or dry-run a propagation policy',
  usage: 'KIND/NAME [-n NAMESPACE] | -f POLICY.yaml [flags]',
  description: [
    "Show the scheduler's reasoning for one workload: every cluster with the filter that refused",
    'it (and why, in words), its score, the replicas it could still take, and the division the',
    'scheduler makes. KIND/NAME is a resource template (deployment/web) or a binding itself',
    '(rb/web-deployment, crb/NAME). With -f, the PropagationPolicies and',
    'ClusterPropagationPolicies in the file are tried against the templates they would select,',
    'whether or not they are applied: nothing is stored.',
  ].join('\n'),
  allowPositionals: true,
  flags: {
    ...controlPlaneFlags,
    namespace: { type: 'string', short: 'n', valueName: 'NS', description: 'The namespace of KIND/NAME or of a policy without one (default: default)' },
    filename: { type: 'string', short: 'f', valueName: 'FILE', description: 'A file of propagation policies to dry-run' },
    output: { type: 'string', short: 'o', valueName: 'FORMAT', description: 'json for the report itself instead of the table' },
  },
  examples: ['flotilla placement deployment/nginx', 'flotilla placement rb/nginx-deployment -n default', 'flotilla placement -f samples/nginx/propagationpolicy.yaml'],
  async run({ flags, positionals, invocationDir }) {
    const { runPlacement } = await import('../placement/placement.js');
    return runPlacement(flags, positionals, invocationDir);
  },
});
