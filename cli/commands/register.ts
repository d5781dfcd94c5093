// `flotilla register URL --token T --discovery-token-ca-cert-hash sha256:… --cluster-name NAME
// --cluster-kubeconfig F`: registers a member in Pull mode (cli/cluster/register.ts), then runs
// the agent in the foreground unless --print-only.

import { defineCommand, UsageError } from '../command.js';

export const command = defineCommand({
  name: 'register',
  summary: 'Register a member cluster in Pull mode with a bootstrap token, then run its agent',
  usage: 'URL --token TOKEN --discovery-token-ca-cert-hash sha256:HASH --cluster-name NAME --cluster-kubeconfig FILE [flags]',
  description: [
    'Register a member cluster in Pull mode from a place that can reach the control plane (the',
    'control plane never connects to the member), as karmadactl register does but with a',
    "bootstrap token from 'flotilla token create' instead of CSR client certificates.",
    '',
    "It reads the control plane's CA from kube-public/cluster-info and checks it against",
    '--discovery-token-ca-cert-hash before sending the token anywhere; then, with the token, it',
    "creates the Cluster (syncMode Pull), the agent's ServiceAccount karmada-agent-NAME, roles",
    'that give the agent only its Cluster, its Lease and the Works of karmada-es-NAME, and a',
    "token for it. The agent's kubeconfig is written to --agent-kubeconfig (mode 0600) and to the",
    "member's Secret karmada-system/karmada-kubeconfig. Then it runs 'flotilla agent' in the",
    'foreground (Ctrl-C stops it), or with --print-only prints how to run it.',
  ].join('\n'),
  allowPositionals: true,
  flags: {
    token: { type: 'string', valueName: 'TOKEN', description: "A bootstrap token (from 'flotilla token create'; required)" },
    'discovery-token-ca-cert-hash': {
      type: 'string',
      valueName: 'sha256:HASH',
      description: "The control plane CA's public key pin; several may be given comma-separated (required unless --discovery-token-unsafe-skip-ca-verification)",
    },
    'discovery-token-unsafe-skip-ca-verification': { type: 'boolean', description: "Trust whatever CA the control plane presents (unsafe)" },
    'cluster-name': { type: 'string', valueName: 'NAME', description: 'The name of the Cluster to register (required)' },
    'cluster-kubeconfig': { type: 'string', valueName: 'FILE', env: 'KUBECONFIG', description: "The member cluster's kubeconfig (default: $KUBECONFIG)" },
    'cluster-context': { type: 'string', valueName: 'NAME', description: 'The context of --cluster-kubeconfig to use' },
    provider: { type: 'string', valueName: 'P', description: "The member's cloud provider" },
    region: { type: 'string', valueName: 'R', description: "The member's region" },
    zones: { type: 'string', valueName: 'Z1,Z2', description: "The member's zones, comma-separated" },
    'agent-kubeconfig': { type: 'string', valueName: 'FILE', description: "Where to write the agent's kubeconfig (default: karmada-agent-NAME.config here)" },
    'print-only': { type: 'boolean', description: 'Register, then print the agent command instead of running it' },
    verbose: { type: 'boolean', short: 'v', description: 'Print each step as it starts' },
  },
  notes: {
    'karmadactl register': [
      'karmadactl register authenticates with CSR client certificates, which Flotilla (bearer',
      'tokens only) does not take; its CertificateSigningRequest is refused with a message naming',
      'this command. The Cluster and Lease it makes are the same as karmadactl register makes.',
    ],
  },
  examples: [
    'flotilla token create --print-register-command     # on the control plane',
    'flotilla register https://10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:… --cluster-name edge --cluster-kubeconfig ~/.kube/config',
    'flotilla register https://127.0.0.1:6443 --token … --discovery-token-ca-cert-hash sha256:… --cluster-name member3 --cluster-kubeconfig .flotilla/members.config --cluster-context member3 --print-only',
  ],
  async run({ flags, positionals, invocationDir }) {
    const [url, ...extra] = positionals;
    if (!url) throw new UsageError("flotilla register: the control plane's URL is required");
    if (extra.length) throw new UsageError(`flotilla register: unexpected argument '${extra[0]}'`);
    if (!/^https:\/\//.test(url)) throw new UsageError(`flotilla register: the control plane's URL must be https://HOST:PORT, got '${url}'`);
    const token = flags.token;
    if (!token) throw new UsageError('flotilla register: --token is required');
    const name = flags['cluster-name'];
    if (!name) throw new UsageError('flotilla register: --cluster-name is required');
    const memberFile = flags['cluster-kubeconfig'];
    if (!memberFile) throw new UsageError('flotilla register: --cluster-kubeconfig is required');
    const hashes = (flags['discovery-token-ca-cert-hash'] ?? '').split(',').map((h) => h.trim()).filter(Boolean);
    const skipCa = flags['discovery-token-unsafe-skip-ca-verification'];
    if (!hashes.length && !skipCa) {
      throw new UsageError('flotilla register: --discovery-token-ca-cert-hash is required (or --discovery-token-unsafe-skip-ca-verification)');
    }
    const { normalizeCaHash } = await import('../cluster/ca-hash.js');
    const bad = hashes.find((h) => !normalizeCaHash(h));
    if (bad) throw new UsageError(`flotilla register: --discovery-token-ca-cert-hash must be sha256: and 64 hex digits, got '${bad}'`);
    const { parseBootstrapToken } = await import('../../shared/authn/bootstrap-token.js');
    if (!parseBootstrapToken(token)) throw new UsageError('flotilla register: --token must be a bootstrap token ([a-z0-9]{6}.[a-z0-9]{16})');
    const { clusterNameProblem } = await import('../cluster/names.js');
    const problem = clusterNameProblem(name);
    if (problem) throw new UsageError(`flotilla register: ${problem}`);

    const { resolve } = await import('node:path');
    const { writeFileSync } = await import('node:fs');
    const { CommandError } = await import('../command.js');
    const { asCommand } = await import('../cluster/command-support.js');
    const { KubeClient } = await import('../cluster/kube-client.js');
    const { registerCluster } = await import('../cluster/register.js');
    const { createStatusReporter } = await import('../launcher/status.js');

    const memberPath = resolve(invocationDir, memberFile.split(':').find(Boolean) ?? memberFile);
    let member: InstanceType<typeof KubeClient>;
    try {
      member = KubeClient.from({ kubeconfig: memberPath, context: flags['cluster-context'] }, name);
    } catch (e) {
      throw new CommandError(`cannot use the member's kubeconfig: ${(e as Error).message}`);
    }
    const progress = createStatusReporter(process.stdout, flags.verbose);
    const zones = flags.zones?.split(',').map((z) => z.trim()).filter(Boolean);
    const result = await asCommand(() =>
      registerCluster({
        server: url,
        bootstrapToken: token,
        caHashes: hashes,
        unsafeSkipCaVerification: skipCa,
        name,
        member,
        provider: flags.provider,
        region: flags.region,
        zones,
        progress,
      }),
    );
    const agentFile = resolve(invocationDir, flags['agent-kubeconfig'] ?? `karmada-agent-${name}.config`);
    writeFileSync(agentFile, result.agentKubeconfig, { mode: 0o600 });
    progress.info(`cluster(${name}) is registered (Pull); the agent's kubeconfig is ${agentFile}`);
    const agentArgs = ['--kubeconfig', agentFile, '--cluster-name', name, '--cluster-kubeconfig', memberPath, ...(flags['cluster-context'] ? ['--cluster-context', flags['cluster-context']] : [])];
    if (flags['print-only']) {
      progress.info('Run the agent with:');
      progress.info(`  flotilla agent ${agentArgs.join(' ')}`);
      return 0;
    }
    const { command: agent } = await import('./agent.js');
    return agent.execute(agentArgs, invocationDir);
  },
});
