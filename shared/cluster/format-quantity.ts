/**
 * A number back into a Kubernetes quantity string, in the form kube-apiserver prints:
 * millicores for fractional cpu, binary suffixes for whole multiples of 1024, plain integers
 * otherwise.
 */
export function formatQuantity(resource: string, value: number): string {
  if (!Number.isFinite(value)) return '0';
  if (resource === 'cpu' || !Number.isInteger(value)) {
    const milli = Math.round(value * 1000);
    return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
  }
  const units: Array<[string, number]> = [
    ['Ei', 2 ** 60],
    ['Pi', 2 ** 50],
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ];
  if (value >= 1024 && resource !== 'pods') {
    for (const [suffix, size] of units) if (value % size === 0) return `${value / size}${suffix}`;
  }
  return String(value);
}
