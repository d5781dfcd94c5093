import { parseQuantity } from '../karmada/quantity.js';

// Resource arithmetic as Karmada's estimators do it: quantities are subtracted exactly and only
// then rounded up to whole units (Quantity.Value) or to millicores for cpu (Quantity.MilliValue).
// Parsed strings are memoised because every scheduling pass reads every cluster's summary.

const NANOS_PER_UNIT = 1_000_000_000n;
const NANOS_PER_MILLI = 1_000_000n;
const cache = new Map<string, bigint>();
const CACHE_LIMIT = 4096;

/** The quantity in nano-units; 0 for anything that does not parse (as an absent entry would count). */
export function nanos(q: string | number | undefined): bigint {
  if (q === undefined) return 0n;
  const key = typeof q === 'number' ? `#${q}` : q;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const parsed = parseQuantity(q) ?? 0n;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, parsed);
  return parsed;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  if (a >= 0n) return (a + b - 1n) / b;
  return -(-a / b);
}

/** Quantity.Value(): whole units, rounded up. */
export function wholeUnits(n: bigint): number {
  return Number(ceilDiv(n, NANOS_PER_UNIT));
}

/** Quantity.MilliValue(): thousandths, rounded up. */
export function milliUnits(n: bigint): number {
  return Number(ceilDiv(n, NANOS_PER_MILLI));
}

/** The integer the estimators divide with: millicores for cpu, whole units for the rest. */
export function schedulingUnits(resource: string, n: bigint): number {
  return resource === 'cpu' ? milliUnits(n) : wholeUnits(n);
}

/**
 * kube-scheduler's "scalar" resources: extended and prefixed native ones (a name with a domain),
 * hugepages and attachable volumes. Only these and cpu, memory and ephemeral-storage take part
 * in node fitting; other names are ignored there, as upstream does.
 */
export function isScalarResource(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  return name.includes('/') && !name.startsWith('requests.');
}

/** Whether a requested resource constrains node fitting (cpu, memory, ephemeral-storage or scalar). */
export function isFittedResource(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || isScalarResource(name);
}
