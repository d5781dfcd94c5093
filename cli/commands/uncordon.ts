// `flotilla uncordon NAME`: lets new work reach a cordoned cluster again (cli/cluster/taints.ts).

import { defineCommand, UsageError } from '../command.js';
import { controlPlaneFlags } from '../cluster/flags.js';

export const command = defineCommand({
  name: 'uncordon',
  summary: 'Mark a cluster schedulable again (remove the cluster.karmada.io/unschedulable taint)',
  usage: 'NAME [flags]',
  description: [
    'Mark a cordoned member cluster schedulable again, as karmadactl uncordon does: the taint',
    'cluster.karmada.io/unschedulable:NoSchedule is removed from the Cluster.',
  ].join('\n'),
  allowPositionals: true,
  flags: { ...controlPlaneFlags },
  examples: ['flotilla uncordon member1', 'kubectl get cluster member1 -o jsonpath={.spec.taints}'],
  async run({ flags, positionals, invocationDir }) {
    const { runCordon } = await import('../cluster/cordon.js');
    if (positionals.length !== 1) throw new UsageError('flotilla uncordon: exactly one cluster NAME is required');
    return runCordon(flags, positionals[0]!, invocationDir, false);
  },
});
