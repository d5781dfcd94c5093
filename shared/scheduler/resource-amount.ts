import { parseQuantity } from '../karmada/quantity.js';

// Resource arithmetic as Karmada's estimators do it: quantities are subtracted exactly and only
// then rounded up to whole units (Quantity.Value) or to millicores for cpu (Quantity.MilliValue).
// An amount is kept as whole units plus nano-units in [0, 1e9), which stays exact in plain numbers
// for anything below 2^53 units (petabytes of memory), without bigint arithmetic on the hot path.
// Parsed strings are memoised because every scheduling pass reads every cluster's summary.

export interface Amount {
  readonly units: number;
  readonly nanos: number;
}

const NANO = 1_000_000_000;
const ZERO: Amount = { units: 0, nanos: 0 };
const cache = new Map<string, Amount>();
const CACHE_LIMIT = 4096;

function fromNanos(n: bigint): Amount {
  const big = BigInt(NANO);
  let units = n / big;
  let rest = n % big;
  if (rest < 0n) {
    units -= 1n;
    rest += big;
  }
  return { units: Number(units), nanos: Number(rest) };
}

/** The quantity as an amount; zero for anything absent or unparseable (as an absent entry counts). */
export function amount(q: string | number | undefined): Amount {
  if (q === undefined) return ZERO;
  const key = typeof q === 'number' ? `#${q}` : q;
  const hit = cache.get(key);
  if (hit) return hit;
  const parsed = parseQuantity(q);
  const a = parsed === undefined ? ZERO : fromNanos(parsed);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, a);
  return a;
}

/** a − b, exactly. */
export function minus(a: Amount, b: Amount): Amount {
  let units = a.units - b.units;
  let nanos = a.nanos - b.nanos;
  if (nanos < 0) {
    nanos += NANO;
    units -= 1;
  }
  return { units, nanos };
}

/** Quantity.Value(): whole units, rounded up. */
export function wholeUnits(a: Amount): number {
  return a.nanos > 0 ? a.units + 1 : a.units;
}

/** Quantity.MilliValue(): thousandths, rounded up. */
export function milliUnits(a: Amount): number {
  let milli = Math.floor(a.nanos / 1_000_000);
  if (milli * 1_000_000 < a.nanos) milli++;
  return a.units * 1000 + milli;
}

/** The integer the estimators divide with: millicores for cpu, whole units for the rest. */
export function schedulingUnits(resource: string, a: Amount): number {
  return resource === 'cpu' ? milliUnits(a) : wholeUnits(a);
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
