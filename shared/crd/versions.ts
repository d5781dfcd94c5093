const KUBE_VERSION = /^v([1-9]\d*)(?:(alpha|beta)([1-9]\d*))?$/;

function parse(v: string): { stability: number; major: number; minor: number } | undefined {
  const m = KUBE_VERSION.exec(v);
  if (!m) return undefined;
  return { stability: m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0, major: Number(m[1]), minor: Number(m[3] ?? 0) };
}

/**
 * apimachinery's CompareKubeAwareVersionStrings as a sort comparator, highest priority
 * first: GA before beta before alpha, higher numbers first within each, and versions that
 * do not look like Kubernetes versions last, alphabetically. Discovery lists a CRD's
 * versions in this order and the first served one is the group's preferred version.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa && pb) return pb.stability - pa.stability || pb.major - pa.major || pb.minor - pa.minor;
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
