import { parseQuantity } from '../karmada/quantity.js';
import { InterpretError, isRecord, recordAt, type JsonObject } from './fields.js';

/**
 * What one pod of a pod spec requests, as Karmada's scheduler estimates it: the sum of its
 * containers, or the largest init container where that is more, plus the pod overhead; a
 * limit without a request counts as the request, as the API server defaults it. Amounts are
 * rounded up to millicores for cpu and whole units otherwise, and printed the way
 * resource.Quantity prints them.
 */

const NANOS_PER_UNIT = 1_000_000_000n;
const NANOS_PER_MILLI = 1_000_000n;

function isScalarResource(name: string): boolean {
  // Extended (domain-prefixed), prefixed native, huge pages and attachable volumes.
  return name.includes('/') || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

function isTracked(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name === 'pods' || isScalarResource(name);
}

/** Away from zero, as Quantity.Value and MilliValue round. */
function roundUp(nanos: bigint, per: bigint): bigint {
  const q = nanos / per;
  if (q * per === nanos) return q;
  return nanos > 0n ? q + 1n : q - 1n;
}

function amount(name: string, quantity: unknown, where: string): bigint {
  const nanos = typeof quantity === 'string' || typeof quantity === 'number' ? parseQuantity(quantity) : undefined;
  if (nanos === undefined) throw new InterpretError(`${where}: ${JSON.stringify(quantity)} is not a quantity`);
  return roundUp(nanos, name === 'cpu' ? NANOS_PER_MILLI : NANOS_PER_UNIT);
}

function readList(list: unknown, where: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  if (list === undefined || list === null) return out;
  if (!isRecord(list)) throw new InterpretError(`${where} is not a resource list`);
  for (const [name, q] of Object.entries(list)) if (isTracked(name)) out.set(name, amount(name, q, `${where}.${name}`));
  return out;
}

function containerRequests(container: unknown, where: string): Map<string, bigint> {
  const resources = recordAt(container, 'resources');
  const requests = readList(resources?.requests, `${where}.resources.requests`);
  for (const [name, v] of readList(resources?.limits, `${where}.resources.limits`)) if (!requests.has(name)) requests.set(name, v);
  return requests;
}

function containers(spec: JsonObject, field: string): unknown[] {
  const list = spec[field];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new InterpretError(`.${field} is not a list`);
  return list;
}

/** The request of one pod in units (millicores for cpu), keyed by resource name. */
export function podRequestUnits(spec: JsonObject): Map<string, bigint> {
  const total = new Map<string, bigint>();
  containers(spec, 'containers').forEach((c, i) => {
    for (const [name, v] of containerRequests(c, `.containers[${i}]`)) total.set(name, (total.get(name) ?? 0n) + v);
  });
  containers(spec, 'initContainers').forEach((c, i) => {
    for (const [name, v] of containerRequests(c, `.initContainers[${i}]`)) if (v > (total.get(name) ?? 0n)) total.set(name, v);
  });
  for (const [name, v] of readList(spec.overhead, '.overhead')) total.set(name, (total.get(name) ?? 0n) + v);
  return total;
}

const DECIMAL_SUFFIXES = new Map<number, string>([
  [-9, 'n'],
  [-6, 'u'],
  [-3, 'm'],
  [0, ''],
  [3, 'k'],
  [6, 'M'],
  [9, 'G'],
  [12, 'T'],
  [15, 'P'],
  [18, 'E'],
]);
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** mantissa × 10^exponent in DecimalSI's canonical form: the largest exponent (a multiple of 3) that keeps the mantissa whole. */
export function formatDecimalSI(mantissa: bigint, exponent = 0): string {
  if (mantissa === 0n) return '0';
  let m = mantissa;
  let e = exponent;
  while (e < 18 && m % 1000n === 0n) {
    m /= 1000n;
    e += 3;
  }
  return `${m}${DECIMAL_SUFFIXES.get(e) ?? `e${e}`}`;
}

/** A whole number in BinarySI's canonical form: powers of 1024 where exact, decimal below 1024. */
export function formatBinarySI(value: bigint): string {
  if (value > -1024n && value < 1024n) return formatDecimalSI(value);
  let v = value;
  let i = 0;
  while (i < BINARY_SUFFIXES.length - 1 && v % 1024n === 0n) {
    v /= 1024n;
    i++;
  }
  return `${v}${BINARY_SUFFIXES[i]}`;
}

function isBinaryResource(name: string): boolean {
  return name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-');
}

/** The pod's request as a resource list; undefined when it requests nothing. */
export function podResourceRequest(spec: JsonObject): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [name, v] of podRequestUnits(spec)) {
    if (v <= 0n) continue;
    if (name === 'cpu') out[name] = formatDecimalSI(v, -3);
    else out[name] = isBinaryResource(name) ? formatBinarySI(v) : formatDecimalSI(v);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
