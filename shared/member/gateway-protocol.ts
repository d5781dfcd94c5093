import type { MemberEndpoint } from './member-client.js';

/**
 * The worker reaches members it cannot reach itself (private CA, client TLS, proxies) through a
 * Node-side gateway (a Miniflare service binding locally). The gateway holds no state of its
 * own: each request carries, in this header, how to reach its member.
 */
export const GATEWAY_ENDPOINT_HEADER = 'x-flotilla-member-endpoint';

export function encodeGatewayEndpoint(e: MemberEndpoint): string {
  // Base64 keeps a PEM's newlines out of a header value.
  return btoa(unescape(encodeURIComponent(JSON.stringify(e))));
}

export function decodeGatewayEndpoint(value: string): MemberEndpoint {
  return JSON.parse(decodeURIComponent(escape(atob(value)))) as MemberEndpoint;
}

/** Whether a member can be reached with the platform's own fetch (no private CA, no proxy). */
export function needsGateway(e: MemberEndpoint): boolean {
  return Boolean(e.caBundle || e.insecureSkipTLSVerification || e.proxyURL);
}

/** The caller's deadline, so the gateway gives up when the caller would. */
export const GATEWAY_TIMEOUT_HEADER = 'x-flotilla-timeout-ms';
