/**
 * Builds the binaries of a real Kubernetes control plane from the upstream Go modules:
 * kube-apiserver, kube-controller-manager and kube-scheduler of one pinned release, etcd
 * from the etcd server module that release itself depends on, and kwok for fake nodes and
 * pod status. Idempotent: binaries are cached outside the repository and rebuilt only when
 * the pinned versions change.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const KUBERNETES_VERSION = 'v1.33.4';
/** The staging modules (k8s.io/api, client-go, …) are tagged v0.<minor>.<patch> for a release. */
export const STAGING_VERSION = 'v0.33.4';
export const KWOK_VERSION = 'v0.7.0';

export interface RealMemberBinaries {
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  etcd: string;
  kwok: string;
}

export function cacheRoot(): string {
  const base = process.env.FLOTILLA_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'flotilla');
  return join(base, 'real-members', `${KUBERNETES_VERSION}-kwok-${KWOK_VERSION}`);
}

function binaries(root: string): RealMemberBinaries {
  const bin = join(root, 'bin');
  return {
    kubeApiserver: join(bin, 'kube-apiserver'),
    kubeControllerManager: join(bin, 'kube-controller-manager'),
    kubeScheduler: join(bin, 'kube-scheduler'),
    etcd: join(bin, 'etcd'),
    kwok: join(bin, 'kwok'),
  };
}

export function goAvailable(): Promise<boolean> {
  return run('go', ['version']).then(
    () => true,
    () => false,
  );
}

/** Runs a go command, streaming nothing but returning stderr on failure (go is chatty). */
async function go(args: string[], cwd: string, env: Record<string, string> = {}): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('go', args, { cwd, env: { ...process.env, GOFLAGS: '-mod=mod', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-8000);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go ${args.join(' ')} failed (${code}):\n${err}`))));
  });
}

/**
 * k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with local
 * paths, which a consumer cannot use; pin every one of them to the release's tag instead.
 */
async function stagingReplaces(work: string): Promise<string[]> {
  const { stdout } = await run('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${KUBERNETES_VERSION}`], {
    cwd: work,
    env: { ...process.env, GOFLAGS: '-mod=mod' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const info = JSON.parse(stdout) as { GoMod?: string; Error?: string };
  if (!info.GoMod) throw new Error(`go mod download k8s.io/kubernetes@${KUBERNETES_VERSION}: ${info.Error ?? 'no go.mod'}`);
  const mods = [...readFileSync(info.GoMod, 'utf8').matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm)].map((m) => m[1]!);
  if (mods.length < 10) throw new Error(`unexpected k8s.io/kubernetes go.mod: only ${mods.length} staging replaces`);
  return mods.map((m) => `\t${m} => ${m} ${STAGING_VERSION}`);
}

function writeModule(work: string, replaces: string[]): void {
  writeFileSync(
    join(work, 'go.mod'),
    `module flotilla.local/realmembers\n\ngo 1.24.0\n\nrequire k8s.io/kubernetes ${KUBERNETES_VERSION}\n\nreplace (\n${replaces.join('\n')}\n)\n`,
  );
  // The tools pattern: main packages are not importable, but a build-tagged file that names
  // them makes `go mod tidy` resolve everything they need.
  writeFileSync(
    join(work, 'tools.go'),
    `//go:build tools\n\npackage tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kube-controller-manager"\n\t_ "k8s.io/kubernetes/cmd/kube-scheduler"\n\t_ "go.etcd.io/etcd/server/v3/etcdmain"\n)\n`,
  );
  mkdirSync(join(work, 'etcd'), { recursive: true });
  // etcd's own main lives in a module with replace directives (not installable by version);
  // its entry point is one call, made here against the etcd server the release pins.
  writeFileSync(
    join(work, 'etcd', 'main.go'),
    `package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n`,
  );
}

/**
 * Returns the cached binaries, building what is missing. `progress` gets a line per step;
 * a cold build takes several minutes on two cores, a warm call returns at once.
 */
export async function ensureRealMemberBinaries(progress: (line: string) => void = () => {}): Promise<RealMemberBinaries> {
  const root = cacheRoot();
  const out = binaries(root);
  const stamp = join(root, 'stamp.json');
  const want = JSON.stringify({ KUBERNETES_VERSION, STAGING_VERSION, KWOK_VERSION, build: 2 });
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want && Object.values(out).every((p) => existsSync(p))) {
    progress(`✓ Kubernetes ${KUBERNETES_VERSION} binaries cached in ${root}`);
    return out;
  }
  if (!(await goAvailable())) throw new Error('real member clusters need Go (go on PATH) to build kube-apiserver and friends');
  const work = join(root, 'src');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(work, { recursive: true });
  const t0 = Date.now();
  const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
    const s = Date.now();
    progress(`… ${what}`);
    await fn();
    progress(`✓ ${what} (${Math.round((Date.now() - s) / 1000)} s)`);
  };
  await step(`resolving k8s.io/kubernetes ${KUBERNETES_VERSION} and its staging modules`, async () => {
    writeModule(work, await stagingReplaces(work));
    await go(['mod', 'tidy'], work);
  });
  // Without these the binaries call themselves v0.0.0-master, which kubectl cannot parse.
  const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
  const ldflags = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']
    .flatMap((pkg) => [
      `-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
    ])
    .join(' ');
  await step('building kube-apiserver, kube-controller-manager, kube-scheduler, etcd', () =>
    go(['build', '-trimpath', '-ldflags', ldflags, '-o', join(root, 'bin-new') + '/', 'k8s.io/kubernetes/cmd/kube-apiserver', 'k8s.io/kubernetes/cmd/kube-controller-manager', 'k8s.io/kubernetes/cmd/kube-scheduler', './etcd'], work),
  );
  for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']) {
    renameSync(join(root, 'bin-new', name), join(root, 'bin', name));
  }
  await step(`building kwok ${KWOK_VERSION}`, () => go(['install', `sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}`], work, { GOBIN: join(root, 'bin') }));
  writeFileSync(stamp, want);
  progress(`✓ real member binaries ready in ${Math.round((Date.now() - t0) / 1000)} s`);
  return out;
}
