// `flotilla taint NAME key[=value]:Effect[-] …`: kubectl taint for Clusters.

import { defineCommand, UsageError } from '../command.js';
import { controlPlaneFlags } from '../cluster/flags.js';

export const command = defineCommand({
  name: 'taint',
  summary: "Add, change or remove a cluster's taints (kubectl taint syntax)",
  usage: 'NAME KEY[=VALUE]:EFFECT[-] ... [flags]',
  description: [
    "Update the taints of a member cluster (spec.taints), with kubectl taint's syntax, as",
    'karmadactl taint does. A policy whose clusterTolerations do not tolerate a NoSchedule taint',
    'places no new work on the cluster; a NoExecute taint also moves work away when cluster',
    'failover is on.',
    '',
    '  key=value:Effect   add a taint (Effect: NoSchedule, PreferNoSchedule or NoExecute)',
    '  key:Effect         add a taint with no value',
    '  key:Effect-        remove the taint with this key and effect',
    '  key-               remove every taint with this key',
    '',
    'Adding a key and effect the cluster already has is refused unless --overwrite is given.',
  ].join('\n'),
  allowPositionals: true,
  flags: {
    ...controlPlaneFlags,
    overwrite: { type: 'boolean', description: 'Replace a taint with the same key and effect instead of refusing' },
  },
  examples: [
    'flotilla taint member1 dedicated=gpu:NoSchedule',
    'flotilla taint member1 dedicated=ml:NoSchedule --overwrite',
    'flotilla taint member1 dedicated:NoSchedule-',
    'flotilla taint member1 maintenance-',
  ],
  async run({ flags, positionals, invocationDir }) {
    const [name, ...specs] = positionals;
    if (!name) throw new UsageError('flotilla taint: the cluster NAME is required');
    if (specs.length === 0) throw new UsageError('flotilla taint: at least one taint update is required (KEY[=VALUE]:EFFECT or KEY[:EFFECT]-)');
    const { parseTaintArgs } = await import('../cluster/taints.js');
    let args: ReturnType<typeof parseTaintArgs>;
    try {
      args = parseTaintArgs(specs);
    } catch (e) {
      throw new UsageError(`flotilla taint: ${(e as Error).message}`);
    }
    const { runTaint } = await import('../cluster/cordon.js');
    return runTaint(flags, name, invocationDir, args, flags.overwrite);
  },
});
