// `flotilla agent --cluster-name NAME --cluster-kubeconfig F`: karmada-agent for one Pull
// cluster, in the foreground until Ctrl-C (cli/cluster/agent/).

import { defineCommand, UsageError } from '../command.js';
import { controlPlaneFlags } from '../cluster/flags.js';

export const command = defineCommand({
  name: 'agent',
  summary: 'Run the agent of a Pull-mode cluster: Lease, cluster status, and Works applied to the member',
  usage: '--cluster-name NAME --cluster-kubeconfig FILE [flags]',
  description: [
    'Run the agent of a Pull-mode member cluster in the foreground, as karmada-agent does; only',
    'outbound connections are made, to the control plane and to the member.',
    '',
    'It renews the Lease NAME in karmada-cluster every quarter of --cluster-lease-duration (the',
    'control plane marks the cluster not ready when renewals stop), reports the Cluster status',
    '(Ready, Kubernetes version, API enablements, node and resource summaries) when it changes,',
    'and watches the Works in karmada-es-NAME: it applies them to the member with server-side',
    'apply, removes what they placed when they are deleted, and writes their status back.',
    '',
    "--kubeconfig is the agent's own kubeconfig that 'flotilla register' wrote; its token may",
    'read and write only this Cluster, its Lease and the Works of its execution namespace.',
  ].join('\n'),
  flags: {
    ...controlPlaneFlags,
    'cluster-name': { type: 'string', valueName: 'NAME', description: 'The Cluster this agent serves (required)' },
    'cluster-kubeconfig': { type: 'string', valueName: 'FILE', description: "The member cluster's kubeconfig (required)" },
    'cluster-context': { type: 'string', valueName: 'NAME', description: 'The context of --cluster-kubeconfig to use' },
    'cluster-lease-duration': { type: 'string', valueName: 'DURATION', default: '40s', description: 'How long the Lease lasts without a renewal' },
    'cluster-status-update-frequency': { type: 'string', valueName: 'DURATION', default: '10s', description: 'How often the member is probed for the Cluster status' },
    'resync-period': { type: 'string', valueName: 'DURATION', default: '30s', description: "How often every Work is looked at again (brings member-side status back)" },
  },
  notes: {
    'Exit status': ['0 after Ctrl-C or SIGTERM; 1 when the agent could not start'],
  },
  examples: [
    'flotilla agent --kubeconfig karmada-agent-edge.config --cluster-name edge --cluster-kubeconfig ~/.kube/config',
  ],
  async run({ flags, invocationDir }) {
    const name = flags['cluster-name'];
    if (!name) throw new UsageError('flotilla agent: --cluster-name is required');
    const memberFile = flags['cluster-kubeconfig'];
    if (!memberFile) throw new UsageError('flotilla agent: --cluster-kubeconfig is required');
    const { parseDuration } = await import('../cluster/duration.js');
    const durations: Record<string, number> = {};
    for (const f of ['cluster-lease-duration', 'cluster-status-update-frequency', 'resync-period'] as const) {
      const ms = parseDuration(flags[f]);
      if (ms === undefined || ms < 1000) throw new UsageError(`flotilla agent: --${f} must be a duration of at least 1s, got '${flags[f]}'`);
      durations[f] = ms;
    }
    const { resolve } = await import('node:path');
    const { CommandError } = await import('../command.js');
    const { asCommand, controlPlaneClient } = await import('../cluster/command-support.js');
    const { KubeClient } = await import('../cluster/kube-client.js');
    const { startAgent } = await import('../cluster/agent/agent.js');

    const cp = controlPlaneClient(flags, invocationDir);
    let member: InstanceType<typeof KubeClient>;
    try {
      member = KubeClient.from({ kubeconfig: resolve(invocationDir, memberFile), context: flags['cluster-context'] }, name);
    } catch (e) {
      throw new CommandError(`cannot use the member's kubeconfig: ${(e as Error).message}`);
    }
    const log = (line: string): void => void process.stderr.write(`agent │ ${line}\n`);
    const agent = await asCommand(() =>
      startAgent({
        cluster: name,
        controlPlane: cp,
        member,
        leaseDurationSeconds: Math.round(durations['cluster-lease-duration']! / 1000),
        statusIntervalMs: durations['cluster-status-update-frequency']!,
        resyncIntervalMs: durations['resync-period']!,
        log,
      }),
    );
    process.stdout.write(`Agent for cluster ${name} is running (control plane ${cp.server}, member ${member.server}). Stop with Ctrl-C.\n`);
    const sig = await new Promise<NodeJS.Signals>((done) => {
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, () => done(s));
    });
    process.stdout.write(`Stopping (${sig})…\n`);
    await agent.stop();
    return 0;
  },
});
