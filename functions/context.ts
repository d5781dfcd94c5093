import type { Store } from '../db/store.js';
import type { MemberClients } from '../shared/member/member-client.js';
import type { SchemaSet } from '../shared/openapi/schema.js';
import type { Registry } from '../shared/registry/index.js';
import type { AuditSink } from './audit.js';
import type { LimitOptions, RequestLimiter } from './limits.js';
import type { RequestSecurity } from './security-context.js';
import type { WatchFeed } from './watch-hub.js';
import type { KarmadaAdmissionOptions } from '../shared/karmada/admission/options.js';

/** Configuration the worker entry or the Node launcher hands to createApp. */
export interface AppConfig {
  /** SHA-256 (hex) of the admin bearer token; the token itself never reaches the app. */
  adminTokenSha256: string;
  /** HMAC key for ServiceAccount tokens minted by TokenRequest. */
  tokenSigningKey: string;
  /** The admin's user name in SelfSubjectReview (default "kubernetes-admin"). */
  adminUsername?: string;
  /** `iss` of minted tokens and their default audience (default "https://kubernetes.default.svc.cluster.local"). */
  tokenIssuer?: string;
  /** Overrides the reported Kubernetes version (default v1.33.4). */
  gitVersion?: string;
  /** How often the watch fan-out reads the change log for commits nobody announced (default 1000 ms). */
  watchPollMs?: number;
  /** Upper bound on a watch's lifetime in seconds (default 1800): clients re-watch from their last revision. */
  watchMaxSeconds?: number;
  /** How often a quiet watch sends a BOOKMARK when asked for them (default 60 s, as upstream's ~1/min). */
  watchBookmarkMs?: number;
  /** Request body limit in bytes (default 3 MiB, as kube-apiserver). */
  maxRequestBodyBytes?: number;
  /** Per-user rate and watch limits, used when AppDeps brings no limiter (see functions/limits.ts). */
  limits?: LimitOptions;
  /** Karmada's webhook switches (e.g. allowNoExecuteTaintPolicy); Karmada's defaults when absent. */
  karmadaAdmission?: Partial<KarmadaAdmissionOptions>;
}

export interface AppDeps {
  store: Store;
  config: AppConfig;
  /** Defaults to the built-in registry; pass one to serve more kinds (CRDs, Karmada's). */
  registry?: Registry;
  /** Clock for timestamps and token expiry (tests pin it). */
  now?: () => number;
  /** workerd's ctx.waitUntil, for work that may finish after the response. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Where audit records go; none are written without one (functions/audit.ts). */
  audit?: AuditSink;
  /** The limits' state, which must outlive one request: the worker keeps one per isolate. */
  limiter?: RequestLimiter;
  /** The schemas of the served kinds (default: upstream's built-ins); CRDs and Karmada's kinds add theirs. */
  schemas?: () => Promise<SchemaSet>;
  /** Where watches get their events (default: the process's fan-out for the store's client, functions/watch-hub.ts). */
  watchFeed?: WatchFeed;
  /** How the Cluster proxy reaches members; without it the proxy answers 503. */
  memberClients?: MemberClients;
}

/** The authenticated caller, as kube's user.Info. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export type AppEnv = { Variables: { user: UserInfo; security: RequestSecurity } };

/** Everything a handler needs, resolved once in createApp. */
export interface ServerContext {
  store: Store;
  registry: Registry;
  config: Required<Pick<AppConfig, 'adminUsername' | 'tokenIssuer' | 'gitVersion' | 'watchPollMs' | 'watchMaxSeconds' | 'watchBookmarkMs' | 'maxRequestBodyBytes'>> &
    AppConfig;
  now: () => number;
  waitUntil?: (promise: Promise<unknown>) => void;
  /** The SchemaSet of every served kind: field validation, pruning, patches and /openapi read it. */
  schemas: () => Promise<SchemaSet>;
  watchFeed: WatchFeed;
}
