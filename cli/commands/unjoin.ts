// `flotilla unjoin NAME`: takes a Push cluster out (cli/cluster/unjoin.ts).

import { defineCommand, UsageError } from '../command.js';
import { controlPlaneFlags } from '../cluster/flags.js';

export const command = defineCommand({
  name: 'unjoin',
  summary: 'Remove a member cluster: its Cluster, Works, execution namespace, Secrets and member credentials',
  usage: 'NAME [flags]',
  description: [
    'Remove a member cluster, as karmadactl unjoin does.',
    '',
    'Deletes the Cluster, waits (up to --timeout) until its Works in karmada-es-NAME and the',
    'Cluster itself are gone (the control plane removes what it placed in the member and moves',
    'the work elsewhere), then deletes the execution namespace and the Secrets holding the',
    "member's credentials. With --cluster-kubeconfig it also removes what join created in the",
    'member (ServiceAccounts, ClusterRoles, bindings, the karmada-cluster namespace).',
    '',
    '--force goes on when the member does not answer: after the timeout it drops the finalizers',
    'that wait on the member, and member clean-up failures become warnings.',
  ].join('\n'),
  allowPositionals: true,
  flags: {
    ...controlPlaneFlags,
    'cluster-kubeconfig': { type: 'string', valueName: 'FILE', description: "The member's kubeconfig, to remove what join created there" },
    'cluster-context': { type: 'string', valueName: 'NAME', description: 'The context of --cluster-kubeconfig to use' },
    timeout: { type: 'string', valueName: 'DURATION', default: '2m', description: 'How long to wait for the Works and the Cluster to go (e.g. 30s, 5m)' },
    force: { type: 'boolean', description: 'Remove the cluster even if what it holds in the member cannot be removed' },
    verbose: { type: 'boolean', short: 'v', description: 'Print each step as it starts' },
  },
  notes: {
    'Exit status': ['0 when the cluster is removed; 1 when a step failed or timed out; 2 on a usage error'],
  },
  examples: [
    'flotilla unjoin member3 --cluster-kubeconfig .flotilla/members.config --cluster-context member3',
    'flotilla unjoin gone-cluster --force --timeout 20s',
  ],
  async run({ flags, positionals, invocationDir }) {
    const [name, ...extra] = positionals;
    if (!name) throw new UsageError('flotilla unjoin: the cluster NAME is required');
    if (extra.length) throw new UsageError(`flotilla unjoin: unexpected argument '${extra[0]}'`);
    const { parseDuration } = await import('../cluster/duration.js');
    const timeoutMs = parseDuration(flags.timeout);
    if (timeoutMs === undefined) throw new UsageError(`flotilla unjoin: --timeout must be a duration such as 90s or 5m, got '${flags.timeout}'`);

    const { resolve } = await import('node:path');
    const { CommandError } = await import('../command.js');
    const { asCommand, controlPlaneClient } = await import('../cluster/command-support.js');
    const { KubeClient } = await import('../cluster/kube-client.js');
    const { unjoinCluster } = await import('../cluster/unjoin.js');
    const { createStatusReporter } = await import('../launcher/status.js');

    const cp = controlPlaneClient(flags, invocationDir);
    let member: InstanceType<typeof KubeClient> | undefined;
    if (flags['cluster-kubeconfig']) {
      try {
        member = KubeClient.from({ kubeconfig: resolve(invocationDir, flags['cluster-kubeconfig']), context: flags['cluster-context'] }, name);
      } catch (e) {
        throw new CommandError(`cannot use the member's kubeconfig: ${(e as Error).message}`);
      }
    }
    const progress = createStatusReporter(process.stdout, flags.verbose);
    const result = await asCommand(() => unjoinCluster({ name, controlPlane: cp, member, timeoutMs, force: flags.force, progress }));
    if (result.memberSkipped && !member) progress.info(`Left the member as it is (${result.memberSkipped}).`);
    progress.info(`cluster(${name}) is unjoined successfully`);
    return 0;
  },
});
