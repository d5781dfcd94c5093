// `flotilla up`: a local control plane in the foreground until Ctrl-C.
// The machinery lives in cli/launcher/ and is imported only when the command runs.

import { CommandError, defineCommand, UsageError } from '../command.js';

const DEFAULT_PORT = '6443';
const DEFAULT_CRON_INTERVAL = '5';
const DEFAULT_READY_TIMEOUT = '90';

export const command = defineCommand({
  name: 'up',
  summary: 'Start a local control plane (worker under Miniflare, libSQL, TLS, kubeconfig)',
  description: [
    'Start a local Flotilla control plane and keep it in the foreground until Ctrl-C.',
    '',
    'It runs the libSQL server on DIR/state.db, migrates the schema, bundles the worker',
    '(functions/worker.ts) and serves it over HTTPS on 127.0.0.1 with workerd (Miniflare),',
    "ticks the worker's cron handler, and writes an admin kubeconfig. The first start makes",
    'a CA and an admin token; later starts on the same data dir reuse them and every object,',
    "so the kubeconfig keeps working. Only one 'up' may run per data dir.",
    '',
    'With --members N (default 3) it then starts N simulated member clusters in one more',
    "process: each is Flotilla's API server in member mode with its own database, certificate",
    'and token, plus a workload simulator (nodes, pods, status). Nothing runs in them.',
  ].join('\n'),
  flags: {
    'data-dir': {
      type: 'string',
      valueName: 'DIR',
      default: '.flotilla',
      env: 'FLOTILLA_DATA_DIR',
      description: 'State, certificates, tokens and kubeconfig; relative to the directory you ran the command in',
    },
    port: {
      type: 'string',
      short: 'p',
      valueName: 'P',
      default: DEFAULT_PORT,
      description: 'HTTPS port of the API on 127.0.0.1; 0 picks a free one and prints it',
    },
    members: {
      type: 'string',
      valueName: 'N',
      default: '3',
      description:
        'Simulated member clusters to run (member1…memberN on the ports after --port; 0 for none). The set is kept in DIR/members/: another N adds or removes members',
    },
    'real-members': {
      type: 'string',
      valueName: 'N',
      default: '0',
      description:
        'Real Kubernetes clusters (kube-apiserver, controller-manager, scheduler, etcd, kwok nodes; built from the upstream Go modules on first use, needs Go) as member1…memberN instead of simulated ones',
    },
    'sim-pod-start-delay': {
      type: 'string',
      valueName: 'SECONDS',
      default: '1',
      env: 'FLOTILLA_SIM_POD_START_DELAY',
      description: 'Simulated members: from a pod binding to a node to Running',
    },
    'sim-job-duration': {
      type: 'string',
      valueName: 'SECONDS',
      default: '5',
      env: 'FLOTILLA_SIM_JOB_DURATION',
      description: "Simulated members: how long a Job's pod runs before it succeeds",
    },
    'sim-load-balancer-delay': {
      type: 'string',
      valueName: 'SECONDS',
      default: '1',
      env: 'FLOTILLA_SIM_LOAD_BALANCER_DELAY',
      description: 'Simulated members: until a LoadBalancer Service or an Ingress gets its address',
    },
    'sim-volume-bind-delay': {
      type: 'string',
      valueName: 'SECONDS',
      default: '0.5',
      env: 'FLOTILLA_SIM_VOLUME_BIND_DELAY',
      description: 'Simulated members: until a PersistentVolumeClaim is Bound',
    },
    'cron-interval': {
      type: 'string',
      valueName: 'SECONDS',
      default: DEFAULT_CRON_INTERVAL,
      env: 'FLOTILLA_CRON_INTERVAL',
      description: "How often to run the worker's scheduled handler (Miniflare fires no crons itself)",
    },
    'ready-timeout': {
      type: 'string',
      valueName: 'SECONDS',
      default: DEFAULT_READY_TIMEOUT,
      description: 'How long to wait for /readyz to answer 200 before giving up',
    },
    'no-failover': {
      type: 'boolean',
      description:
        'Turn failover off: no eviction on NoExecute taints, ClusterTaintPolicies may not add NoExecute taints, and the default not-ready policy is not installed',
    },
    'default-not-ready-toleration-seconds': {
      type: 'string',
      valueName: 'SECONDS',
      default: '300',
      description:
        'How long a workload whose policy has no toleration of its own stays on a not-ready or unreachable cluster before it is moved (-1: moved at once)',
    },
    verbose: {
      type: 'boolean',
      short: 'v',
      description: "Show every step as it starts, the worker's console output and Miniflare's log",
    },
  },
  notes: {
    'Files in DIR': [
      'karmada-apiserver.config   admin kubeconfig (0600): context karmada-apiserver, user karmada-admin',
      'state.db                   the database (libSQL/SQLite, WAL)',
      'pki/                       ca.crt, ca.key, apiserver.crt, apiserver.key',
      'admin-token.sha256         hash of the admin token (the token itself is only in the kubeconfig)',
      'token-signing.key          key for ServiceAccount tokens',
      'audit/audit.log            audit records (JSON lines), rotated at 10 MiB, 5 files kept',
      'flotilla.lock              pid of the running up; a stale one (dead pid) is taken over',
      'cache/                     the worker bundle, rebuilt at each start',
      'members.config             kubeconfig of the simulated members (0600): a context per member, member1…',
      'members/                   members.json (names, ports, labels, region, provider, nodes) and a folder per member',
    ],
    Environment: [
      'FLOTILLA_WORKER_ENTRY      bundle this entry instead of functions/worker.ts (development)',
    ],
    'Exit status': ['0 after Ctrl-C or SIGTERM stopped everything; 1 when starting failed; 2 on a usage error'],
  },
  examples: [
    'npm run up                                   # from a clone, after npm ci',
    'npm run up -- --port 0 --data-dir /tmp/fl    # flags after --; relative paths are yours',
    'npx --no-install flotilla up -v',
    'npm run up -- --members 0                    # the control plane alone; drops recorded members',
    'kubectl --kubeconfig .flotilla/members.config --context member1 get nodes',
    'export KUBECONFIG=$PWD/.flotilla/karmada-apiserver.config && kubectl get ns',
  ],
  async run({ flags, invocationDir }) {
    const { parsePort } = await import('../launcher/ports.js');
    const port = parsePort(flags.port);
    if (port === undefined) throw new UsageError(`flotilla up: --port must be 0-65535, got '${flags.port}'`);
    const members = /^\d+$/.test(flags.members) ? Number(flags.members) : NaN;
    if (!Number.isInteger(members) || members > 1000) {
      throw new UsageError(`flotilla up: --members must be a whole number from 0 to 1000, got '${flags.members}'`);
    }
    const realMembers = /^\d+$/.test(flags['real-members']) ? Number(flags['real-members']) : NaN;
    if (!Number.isInteger(realMembers) || realMembers > 10) {
      throw new UsageError(`flotilla up: --real-members must be a whole number from 0 to 10, got '${flags['real-members']}'`);
    }
    const cronIntervalMs = seconds('--cron-interval', flags['cron-interval'], 0.1);
    const tolerationText = flags['default-not-ready-toleration-seconds'];
    if (!/^(-1|\d+)$/.test(tolerationText)) throw new UsageError(`flotilla up: --default-not-ready-toleration-seconds must be a whole number of seconds or -1, got '${tolerationText}'`);
    const failover = { enabled: !flags['no-failover'], defaultNotReadyTolerationSeconds: Number(tolerationText) };
    const readyTimeoutMs = seconds('--ready-timeout', flags['ready-timeout'], 1);
    const simDelays = {
      podStartDelayMs: seconds('--sim-pod-start-delay', flags['sim-pod-start-delay'], 0),
      jobDurationMs: seconds('--sim-job-duration', flags['sim-job-duration'], 0),
      loadBalancerDelayMs: seconds('--sim-load-balancer-delay', flags['sim-load-balancer-delay'], 0),
      volumeBindDelayMs: seconds('--sim-volume-bind-delay', flags['sim-volume-bind-delay'], 0),
    };

    const { resolveDataDir } = await import('../launcher/data-dir.js');
    const { launchControlPlane } = await import('../launcher/launch.js');
    const { createStatusReporter } = await import('../launcher/status.js');
    const verbose = flags.verbose;
    const reporter = createStatusReporter(process.stdout, verbose);
    const dataDir = resolveDataDir(flags['data-dir'], invocationDir);

    // Signals stop a start in progress as well as a running plane; a second one forces exit.
    const controller = new AbortController();
    let stopSignal: (sig: NodeJS.Signals) => void = () => undefined;
    const stopRequested = new Promise<NodeJS.Signals>((resolve) => (stopSignal = resolve));
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals): void => {
      if (++signals > 1) {
        process.stderr.write(`flotilla up: ${sig} again, exiting without a clean stop\n`);
        process.exit(130);
      }
      controller.abort(new Error(`stopped by ${sig}`));
      stopSignal(sig);
    };
    const stopSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of stopSignals) process.on(s, onSignal);

    reporter.info(`Starting Flotilla in ${dataDir}`);
    let plane: Awaited<ReturnType<typeof launchControlPlane>>;
    try {
      plane = await launchControlPlane({
        dataDir,
        port,
        cronIntervalMs,
        readyTimeoutMs,
        verbose,
        workerEntry: process.env.FLOTILLA_WORKER_ENTRY || undefined,
        reporter,
        signal: controller.signal,
        onWorkerOutput: (line) => process.stderr.write(`worker │ ${line}\n`),
        failover,
      });
    } catch (err) {
      for (const s of stopSignals) process.removeListener(s, onSignal);
      if (controller.signal.aborted) {
        reporter.info('Stopped before the control plane was ready.');
        return 0;
      }
      const message = err instanceof Error ? (verbose ? (err.stack ?? err.message) : err.message) : String(err);
      throw new CommandError(`up failed: ${message}`);
    }

    // Members (cli/member/) start once the API answers; their failure stops it too. Real
    // members take the simulated ones' names and ports, so they replace them.
    const { startDemoMembers } = await import('../member/demo-members.js');
    let demo: Awaited<ReturnType<typeof startDemoMembers>>;
    let real: Awaited<ReturnType<typeof import('../member/real-members.js').startRealMembers>> | undefined;
    try {
      if (realMembers > 0) {
        const { startRealMembers } = await import('../member/real-members.js');
        real = await startRealMembers({ dataDir: plane.dataDir, count: realMembers, apiPort: plane.port, reporter });
      }
      demo = await startDemoMembers({
        dataDir: plane.dataDir,
        count: realMembers > 0 ? 0 : members,
        apiPort: plane.port,
        delays: simDelays,
        readyTimeoutMs,
        reporter,
        signal: controller.signal,
        onOutput: (line) => process.stderr.write(`members │ ${line}\n`),
      });
    } catch (err) {
      await real?.stop();
      await plane.stop();
      for (const s of stopSignals) process.removeListener(s, onSignal);
      if (controller.signal.aborted) {
        reporter.info('Stopped before the members were ready.');
        return 0;
      }
      throw new CommandError(`up failed: ${err instanceof Error ? (verbose ? (err.stack ?? err.message) : err.message) : String(err)}`);
    }

    // Karmada's quick start expects the members joined: `kubectl get clusters` lists them.
    const membersKubeconfig = real?.kubeconfig ?? demo.kubeconfig;
    if (membersKubeconfig) {
      try {
        const { joinMembers } = await import('../member/auto-join.js');
        const { readFileSync } = await import('node:fs');
        const { layout } = await import('../launcher/data-dir.js');
        const { readKubeconfigToken } = await import('../launcher/kubeconfig.js');
        const files = layout(plane.dataDir);
        await reporter.step(
          'members joined',
          () => joinMembers({ url: plane.url, caCertPem: readFileSync(files.caCert, 'utf8'), token: readKubeconfigToken(plane.kubeconfig) ?? '' }, plane.dataDir, membersKubeconfig),
          (names) => `${names.join(', ')} (Push; kubectl get clusters)`,
        );
      } catch (err) {
        await demo.stop();
        await real?.stop();
        await plane.stop();
        for (const s of stopSignals) process.removeListener(s, onSignal);
        throw new CommandError(`up failed: joining the members: ${err instanceof Error ? err.message : String(err)}`);
      }
    }

    if (failover.enabled) {
      try {
        const { installDefaultPolicies, DEFAULT_NOT_READY_POLICY } = await import('../member/default-policies.js');
        const { readFileSync } = await import('node:fs');
        const { layout } = await import('../launcher/data-dir.js');
        const { readKubeconfigToken } = await import('../launcher/kubeconfig.js');
        await reporter.step(
          'failover on',
          () => installDefaultPolicies({ url: plane.url, caCertPem: readFileSync(layout(plane.dataDir).caCert, 'utf8'), token: readKubeconfigToken(plane.kubeconfig) ?? '' }),
          (created) => `ClusterTaintPolicy ${DEFAULT_NOT_READY_POLICY} ${created ? 'installed' : 'present'}; default not-ready toleration ${failover.defaultNotReadyTolerationSeconds} s`,
        );
      } catch (err) {
        // Failover is a safety net, not a reason to refuse to start: say what is missing.
        reporter.warn(`failover: the default ClusterTaintPolicy could not be installed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }

    reporter.info('');
    reporter.info(`Flotilla is running at ${plane.url}`);
    reporter.info(`  data dir:    ${plane.dataDir}`);
    reporter.info(`  kubeconfig:  ${plane.kubeconfig} (context karmada-apiserver)`);
    reporter.info(`  CA SHA-256:  ${plane.caFingerprint}`);
    reporter.info(`  metrics:     ${plane.url}/metrics (Prometheus text; kubectl get --raw /metrics)`);
    if (real) {
      reporter.info(`  members:     ${real.members.map((m) => m.name).join(', ')} (real kube-apiservers with kwok nodes), contexts in ${real.kubeconfig}`);
    }
    if (demo.kubeconfig) {
      reporter.info(`  members:     ${demo.members.map((m) => m.name).join(', ')} (simulated: nothing runs), contexts in ${demo.kubeconfig}`);
    }
    reporter.info('  Stop with Ctrl-C. In another shell:');
    reporter.info('');
    reporter.info(`export KUBECONFIG=${plane.kubeconfig}`);

    const sig = await stopRequested;
    reporter.info(`\nStopping (${sig})…`);
    // A stop that hangs (a wedged child) must not leave the terminal stuck forever.
    const force = setTimeout(() => {
      process.stderr.write('flotilla up: stopping took over 20 s, exiting anyway\n');
      process.exit(1);
    }, 20_000);
    force.unref();
    await demo.stop();
    await real?.stop();
    await plane.stop();
    clearTimeout(force);
    for (const s of stopSignals) process.removeListener(s, onSignal);
    reporter.info('Stopped.');
    return 0;
  },
});

function seconds(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < min) {
    throw new UsageError(`flotilla up: ${flag} must be a number of seconds (at least ${min}), got '${value}'`);
  }
  return Math.round(n * 1000);
}
