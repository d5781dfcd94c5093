// The harness Karmada's scenarios run on: `flotilla up` with three members on the lane
// FLOTILLA_E2E_MEMBERS picks (simulated by default, real kube-apiservers otherwise), kubectl
// against the control plane and against each member through DIR/members.config, and polling
// with a deadline in place of sleeps.

import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { FLOTILLA_BIN, PROJECT_ROOT, startControlPlane, type ControlPlane, type KubectlResult } from './control-plane.js';
import { memberLane, type MemberLane } from './members.js';

export interface KarmadaPlane {
  cp: ControlPlane;
  lane: MemberLane;
  /** kubectl against one member cluster (its context in DIR/members.config). */
  member(name: string, args: string[], opts?: { allowFail?: boolean; input?: string }): Promise<KubectlResult>;
  stop(): Promise<void>;
}

export async function startKarmadaPlane(opts: { members?: number; env?: Record<string, string> } = {}): Promise<KarmadaPlane> {
  const lane = memberLane();
  const count = opts.members ?? 3;
  const cp = await startControlPlane({
    ...(lane === 'real' ? { realMembers: count, members: 0 } : { members: count }),
    startTimeoutMs: lane === 'real' ? 600_000 : 120_000,
    env: { FLOTILLA_SIM_POD_START_DELAY: '0.3', FLOTILLA_CRON_INTERVAL: '1', ...(opts.env ?? {}) },
  });
  const membersConfig = join(cp.dataDir, 'members.config');
  return {
    cp,
    lane,
    member: (name, args, o = {}) => cp.kubectl(['--kubeconfig', membersConfig, '--context', name, ...args], o),
    async stop() {
      await cp.stop();
    },
  };
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * `eventually`, and when the deadline passes, the error carries what `explain` finds then
 * (the member's objects, nodes and events), so a failure on a loaded CI machine says why.
 */
export async function eventuallyExplained<T>(what: string, probe: () => Promise<T | undefined>, explain: () => Promise<string>, timeoutMs = 60_000): Promise<T> {
  try {
    return await eventually(what, probe, timeoutMs);
  } catch (err) {
    const why = await explain().catch((e: Error) => `(explaining failed: ${e.message})`);
    throw new Error(`${(err as Error).message}\n${why}`);
  }
}

/** Parses `kubectl get … -o json` output. */
export function json<T = Record<string, unknown>>(r: KubectlResult): T {
  return JSON.parse(r.stdout) as T;
}

/** Waits until `count` Clusters are Ready (`up` joins its members; readiness comes with the first probe). */
export async function readyClusters(k: KarmadaPlane, count = 3, timeoutMs = 120_000): Promise<string> {
  return eventually(`${count} Ready clusters`, async () => {
    const out = (await k.cp.kubectl(['get', 'clusters'])).stdout;
    return (out.match(/\bTrue\b/g) ?? []).length >= count ? out : undefined;
  }, timeoutMs);
}

/** Runs the `flotilla` command against this control plane; resolves with its exit code and output. */
export function runFlotilla(k: KarmadaPlane, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [FLOTILLA_BIN, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, KUBECONFIG: k.cp.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
