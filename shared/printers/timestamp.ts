import type { KubeObject } from '../object.js';
import { humanDuration } from '../time.js';

/** time.Time{} (0001-01-01T00:00:00Z), which IsZero() reports as unset. */
const GO_ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

/**
 * A metav1.Time (or MicroTime) as milliseconds, or undefined for the zero time: unset,
 * null, unparsable, or Go's zero instant, which all print as "<unknown>" upstream.
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms === GO_ZERO_TIME) return undefined;
  return ms;
}

/** printers.go translateTimestampSince: the age of a timestamp, "<unknown>" when unset. */
export function translateTimestampSince(value: unknown, now: number): string {
  const ms = parseTime(value);
  return ms === undefined ? '<unknown>' : humanDuration(now - ms);
}

/** The AGE cell as kube prints it ("<unknown>" without a creationTimestamp). */
export function ageCell(obj: KubeObject, now: number): string {
  return translateTimestampSince(obj.metadata.creationTimestamp, now);
}
