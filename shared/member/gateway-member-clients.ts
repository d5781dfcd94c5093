import { FetchMemberClient, DEFAULT_MEMBER_TIMEOUT_MS, type FetchLike } from './fetch-member-client.js';
import type { MemberClient, MemberClients, MemberEndpoint } from './member-client.js';
import { encodeGatewayEndpoint, GATEWAY_ENDPOINT_HEADER, GATEWAY_TIMEOUT_HEADER, needsGateway } from './gateway-protocol.js';

/**
 * Members reached through the Node-side gateway when their credentials need it, directly
 * otherwise: direct calls save a hop, the gateway does what workerd's fetch cannot.
 */
export class GatewayMemberClients implements MemberClients {
  constructor(
    private readonly gateway: FetchLike | undefined,
    private readonly direct: FetchLike = (r) => fetch(r),
  ) {}

  forEndpoint(endpoint: MemberEndpoint): MemberClient {
    if (!this.gateway || !needsGateway(endpoint)) return new FetchMemberClient(endpoint, this.direct);
    const { token, ...route } = endpoint;
    // The gateway learns where to go from the header; the token travels as the usual Authorization header.
    return new FetchMemberClient(
      { cluster: endpoint.cluster, apiEndpoint: 'http://member-gateway.internal', ...(token ? { token } : {}) },
      this.gateway,
      DEFAULT_MEMBER_TIMEOUT_MS,
      { [GATEWAY_ENDPOINT_HEADER]: encodeGatewayEndpoint(route as MemberEndpoint), [GATEWAY_TIMEOUT_HEADER]: String(DEFAULT_MEMBER_TIMEOUT_MS) },
      // The gateway's member watches follow what goes through it (cli/member-gateway).
      true,
    );
  }
}
