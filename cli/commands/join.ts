// `flotilla join NAME --cluster-kubeconfig F`: registers a member cluster in Push mode.
// The machinery is in cli/cluster/join.ts, imported only when the command runs.

import { defineCommand, UsageError } from '../command.js';
import { controlPlaneFlags } from '../cluster/flags.js';

export const command = defineCommand({
  name: 'join',
  summary: 'Register a member cluster in Push mode (the control plane reaches its API server)',
  usage: 'NAME --cluster-kubeconfig FILE [flags]',
  description: [
    'Register a member cluster in Push mode, as karmadactl join does.',
    '',
    "In the member it creates the namespace karmada-cluster, a ServiceAccount karmada-NAME bound",
    'to a ClusterRole with full access, a ServiceAccount karmada-impersonator (for the Cluster',
    'proxy, which speaks as its caller) and a token for each. On the control plane it stores',
    'those credentials in the Secrets NAME (token, caBundle) and NAME-impersonator in',
    'karmada-cluster, readable by cluster-admin only, and creates the Cluster (syncMode Push)',
    "with the member's API server as apiEndpoint.",
  ].join('\n'),
  allowPositionals: true,
  flags: {
    ...controlPlaneFlags,
    'cluster-kubeconfig': {
      type: 'string',
      valueName: 'FILE',
      description: "The member cluster's kubeconfig (required)",
    },
    'cluster-context': {
      type: 'string',
      valueName: 'NAME',
      description: 'The context of --cluster-kubeconfig to use (default: its current context)',
    },
    provider: { type: 'string', valueName: 'P', description: "The member's cloud provider (spec.provider)" },
    region: { type: 'string', valueName: 'R', description: "The member's region (spec.region)" },
    zones: { type: 'string', valueName: 'Z1,Z2', description: "The member's zones, comma-separated (spec.zones)" },
    verbose: { type: 'boolean', short: 'v', description: 'Print each step as it starts' },
  },
  notes: {
    'Exit status': ['0 when the cluster is registered; 1 when a step failed; 2 on a usage error'],
  },
  examples: [
    'flotilla join member1 --cluster-kubeconfig .flotilla/members.config --cluster-context member1',
    'flotilla join edge --cluster-kubeconfig ~/edge.config --provider aws --region eu-west-1 --zones eu-west-1a,eu-west-1b',
    'kubectl get clusters',
  ],
  async run({ flags, positionals, invocationDir }) {
    const [name, ...extra] = positionals;
    if (!name) throw new UsageError('flotilla join: the cluster NAME is required');
    if (extra.length) throw new UsageError(`flotilla join: unexpected argument '${extra[0]}'`);
    const memberFile = flags['cluster-kubeconfig'];
    if (!memberFile) throw new UsageError('flotilla join: --cluster-kubeconfig is required');
    const { clusterNameProblem } = await import('../cluster/names.js');
    const problem = clusterNameProblem(name);
    if (problem) throw new UsageError(`flotilla join: ${problem}`);

    const { resolve } = await import('node:path');
    const { CommandError } = await import('../command.js');
    const { asCommand, controlPlaneClient } = await import('../cluster/command-support.js');
    const { KubeClient } = await import('../cluster/kube-client.js');
    const { memberAccessOf } = await import('../cluster/member-kubeconfig.js');
    const { joinCluster } = await import('../cluster/join.js');
    const { createStatusReporter } = await import('../launcher/status.js');

    const cp = controlPlaneClient(flags, invocationDir);
    let member: InstanceType<typeof KubeClient>;
    try {
      member = KubeClient.from({ kubeconfig: resolve(invocationDir, memberFile), context: flags['cluster-context'] }, name);
    } catch (e) {
      throw new CommandError(`cannot use the member's kubeconfig: ${(e as Error).message}`);
    }
    const progress = createStatusReporter(process.stdout, flags.verbose);
    const zones = flags.zones?.split(',').map((z) => z.trim()).filter(Boolean);
    await asCommand(() =>
      joinCluster({
        name,
        controlPlane: cp,
        member,
        access: memberAccessOf(member.kc),
        provider: flags.provider,
        region: flags.region,
        zones,
        progress,
      }),
    );
    progress.info(`cluster(${name}) is joined successfully`);
    return 0;
  },
});
