import type { Hono } from 'hono';
import type { AppEnv, ServerContext } from '../context.js';

/** The Kubernetes release Flotilla answers as; kubectl's dispatcher picks its own version from it. */
export const KUBERNETES_VERSION = 'v1.33.4';

/** `/version`, shaped like kube-apiserver's version.Info. */
export function versionInfo(gitVersion: string = KUBERNETES_VERSION): Record<string, string> {
  const m = gitVersion.match(/^v(\d+)\.(\d+)/);
  const major = m?.[1] ?? '1';
  const minor = m?.[2] ?? '33';
  return {
    major,
    minor,
    emulationMajor: major,
    emulationMinor: minor,
    minCompatibilityMajor: major,
    minCompatibilityMinor: String(Math.max(0, Number(minor) - 1)),
    gitVersion,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '2025-08-12T00:00:00Z',
    goVersion: 'go1.24.5',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function registerVersion(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get('/version', (c) => c.json(versionInfo(ctx.config.gitVersion)));
}
