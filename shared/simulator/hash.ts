// The hashes controllers put in names and labels: pod-template-hash on a Deployment's
// ReplicaSets, controller-revision-hash on StatefulSet and DaemonSet pods. Upstream hashes
// the Go-printed template with FNV-32a and renders it in the alphabet generateName uses;
// the same template must always give the same hash, so keys are sorted first.

import { GENERATE_NAME_ALPHABET } from '../names.js';

/** JSON with object keys sorted, so equal values always serialise the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** FNV-1a, 32 bits, over the UTF-16 code units' low bytes and high bytes. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h ^= c & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
    if (c > 0xff) {
      h ^= c >>> 8;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h >>> 0;
}

/** k8s.io/apimachinery/pkg/util/rand.SafeEncodeString of the decimal hash: no vowels, no look-alikes. */
export function safeEncode(n: number): string {
  return String(n)
    .split('')
    .map((d) => GENERATE_NAME_ALPHABET[d.charCodeAt(0) % GENERATE_NAME_ALPHABET.length]!)
    .join('');
}

/** The hash of a pod template (pod-template-hash, controller-revision-hash). */
export function templateHash(template: unknown, collisionCount = 0): string {
  return safeEncode(fnv32a(canonicalJson(template) + (collisionCount ? `#${collisionCount}` : '')));
}
