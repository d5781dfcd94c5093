// The addresses a simulated member hands out. Each member gets its own ranges (the second
// octet is the member's index), so a pod IP seen in the control plane tells which member it
// came from, as it would with real clusters on separate networks:
//   nodes          172.18.<member>.<node+2>
//   pods           10.<member>.<node>.0/24 per node
//   load balancers 172.19.<member>.2 and up (.1 is the shared ingress controller's address)

import { fnv32a } from './hash.js';

export function nodeAddress(memberIndex: number, nodeOrdinal: number): string {
  return `172.18.${memberIndex}.${nodeOrdinal + 2}`;
}

export function podCidr(memberIndex: number, nodeOrdinal: number): string {
  return `10.${memberIndex}.${nodeOrdinal}.0/24`;
}

/** What an Ingress reports: one ingress controller per member, one address. */
export function ingressAddress(memberIndex: number): string {
  return `172.19.${memberIndex}.1`;
}

/**
 * A free host address in a /24 (`prefix` is its first three octets), starting at a point
 * derived from `seed` so concurrent picks rarely collide; undefined when all are taken.
 */
export function pickAddress(prefix: string, taken: ReadonlySet<string>, seed: string, first = 2, last = 254): string | undefined {
  const span = last - first + 1;
  const start = fnv32a(seed) % span;
  for (let i = 0; i < span; i++) {
    const ip = `${prefix}.${first + ((start + i) % span)}`;
    if (!taken.has(ip)) return ip;
  }
  return undefined;
}

/** The first three octets of a pod CIDR such as 10.1.0.0/24. */
export function cidrPrefix(cidr: string): string {
  return cidr.split('/')[0]!.split('.').slice(0, 3).join('.');
}

export function loadBalancerPrefix(memberIndex: number): string {
  return `172.19.${memberIndex}`;
}
