// `flotilla cordon NAME`: keeps new work off a cluster (cli/cluster/taints.ts).

import { defineCommand, UsageError } from '../command.js';
import { controlPlaneFlags } from '../cluster/flags.js';

export const command = defineCommand({
  name: 'cordon',
  summary: 'Mark a cluster unschedulable (taint cluster.karmada.io/unschedulable:NoSchedule)',
  usage: 'NAME [flags]',
  description: [
    'Mark a member cluster unschedulable, as karmadactl cordon does: the Cluster gets the taint',
    'cluster.karmada.io/unschedulable:NoSchedule, so the scheduler places no new work there',
    "unless a policy tolerates it. What already runs there stays. 'flotilla uncordon' undoes it.",
  ].join('\n'),
  allowPositionals: true,
  flags: { ...controlPlaneFlags },
  examples: ['flotilla cordon member1', 'kubectl get cluster member1 -o jsonpath={.spec.taints}'],
  async run({ flags, positionals, invocationDir }) {
    const { runCordon } = await import('../cluster/cordon.js');
    if (positionals.length !== 1) throw new UsageError('flotilla cordon: exactly one cluster NAME is required');
    return runCordon(flags, positionals[0]!, invocationDir, true);
  },
});
