import { RBAC_GROUP, type PolicyRule } from './types.js';

/**
 * The default ClusterRoles and ClusterRoleBindings kube-apiserver creates at start
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy, v1.33), limited to the ones that mean
 * something without nodes and controllers of their own, plus Flotilla's aggregation of
 * Karmada's namespaced kinds into `view`/`edit`/`admin`.
 */

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const BOOTSTRAP_LABEL = { 'kubernetes.io/bootstrapping': 'rbac-defaults' } as const;
/** Roles carrying it are reconciled at start: missing rules are added back, extra ones kept. */
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
export const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

/** A default object as written to the store (plain JSON). */
export interface DefaultObject {
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  [field: string]: unknown;
}

export interface DefaultClusterRole {
  name: string;
  labels?: Record<string, string>;
  rules?: PolicyRule[];
  aggregateLabel?: string;
}

export interface DefaultClusterRoleBinding {
  name: string;
  role: string;
  groups: string[];
}

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({ verbs, apiGroups, resources });
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

/** Karmada's API groups whose namespaced kinds users manage day to day. Works are left out: they embed whole manifests, Secrets included. */
const KARMADA_READ: Array<[string, string[]]> = [
  ['policy.karmada.io', ['propagationpolicies', 'overridepolicies']],
  ['work.karmada.io', ['resourcebindings', 'resourcebindings/status']],
  ['autoscaling.karmada.io', ['federatedhpas', 'federatedhpas/status', 'cronfederatedhpas', 'cronfederatedhpas/status']],
  ['networking.karmada.io', ['multiclusteringresses', 'multiclusteringresses/status', 'multiclusterservices', 'multiclusterservices/status']],
];
const KARMADA_WRITE: Array<[string, string[]]> = [
  ['policy.karmada.io', ['propagationpolicies', 'overridepolicies']],
  ['autoscaling.karmada.io', ['federatedhpas', 'cronfederatedhpas']],
  ['networking.karmada.io', ['multiclusteringresses', 'multiclusterservices']],
];

export const defaultClusterRoles: DefaultClusterRole[] = [
  {
    name: 'cluster-admin',
    rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])],
  },
  { name: 'admin', aggregateLabel: AGGREGATE_TO_ADMIN },
  { name: 'edit', labels: { [AGGREGATE_TO_ADMIN]: 'true' }, aggregateLabel: AGGREGATE_TO_EDIT },
  { name: 'view', labels: { [AGGREGATE_TO_EDIT]: 'true' }, aggregateLabel: AGGREGATE_TO_VIEW },
  {
    name: 'system:aggregate-to-admin',
    labels: { [AGGREGATE_TO_ADMIN]: 'true' },
    rules: [
      rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
      rule(READ_WRITE, [RBAC_GROUP], ['rolebindings', 'roles']),
    ],
  },
  {
    name: 'system:aggregate-to-edit',
    labels: { [AGGREGATE_TO_EDIT]: 'true' },
    rules: [
      rule(READ, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
      rule(['create'], [''], ['pods/eviction']),
      rule(WRITE, [''], [
        'configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets',
        'serviceaccounts', 'services', 'services/proxy',
      ]),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(WRITE, ['apps'], [
        'daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets',
        'statefulsets/scale',
      ]),
      rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(WRITE, ['batch'], ['cronjobs', 'jobs']),
      rule(WRITE, ['extensions'], [
        'daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets',
        'replicasets/scale', 'replicationcontrollers/scale',
      ]),
      rule(WRITE, ['policy'], ['poddisruptionbudgets']),
      rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      rule(READ_WRITE, ['coordination.k8s.io'], ['leases']),
    ],
  },
  {
    name: 'system:aggregate-to-view',
    labels: { [AGGREGATE_TO_VIEW]: 'true' },
    rules: [
      rule(READ, [''], [
        'configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers',
        'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status',
      ]),
      rule(READ, [''], [
        'bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status',
        'resourcequotas', 'resourcequotas/status',
      ]),
      rule(READ, [''], ['namespaces']),
      rule(READ, ['discovery.k8s.io'], ['endpointslices']),
      rule(READ, ['apps'], [
        'controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets',
        'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status',
      ]),
      rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
      rule(READ, ['extensions'], [
        'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status',
        'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale',
      ]),
      rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
    ],
  },
  {
    name: 'flotilla:aggregate-to-edit',
    labels: { [AGGREGATE_TO_EDIT]: 'true' },
    rules: KARMADA_WRITE.map(([g, rs]) => rule(WRITE, [g], rs)),
  },
  {
    name: 'flotilla:aggregate-to-view',
    labels: { [AGGREGATE_TO_VIEW]: 'true' },
    rules: KARMADA_READ.map(([g, rs]) => rule(READ, [g], rs)),
  },
  {
    name: 'system:auth-delegator',
    rules: [rule(['create'], ['authentication.k8s.io'], ['tokenreviews']), rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])],
  },
  {
    name: 'system:basic-user',
    rules: [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ],
  },
  {
    name: 'system:discovery',
    rules: [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])],
  },
  {
    name: 'system:monitoring',
    rules: [urls(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])],
  },
  {
    name: 'system:public-info-viewer',
    rules: [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])],
  },
];

export const defaultClusterRoleBindings: DefaultClusterRoleBinding[] = [
  { name: 'cluster-admin', role: 'cluster-admin', groups: ['system:masters'] },
  { name: 'system:basic-user', role: 'system:basic-user', groups: ['system:authenticated'] },
  { name: 'system:discovery', role: 'system:discovery', groups: ['system:authenticated'] },
  { name: 'system:monitoring', role: 'system:monitoring', groups: ['system:monitoring'] },
  { name: 'system:public-info-viewer', role: 'system:public-info-viewer', groups: ['system:authenticated', 'system:unauthenticated'] },
];

/** The ClusterRole object a default stands for (rules unset for aggregated ones: aggregation fills them). */
export function clusterRoleObject(role: DefaultClusterRole): DefaultObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: {
      name: role.name,
      labels: { ...BOOTSTRAP_LABEL, ...(role.labels ?? {}) },
      annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
    },
    ...(role.aggregateLabel
      ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [role.aggregateLabel]: 'true' } }] }, rules: [] }
      : { rules: role.rules ?? [] }),
  };
}

export function clusterRoleBindingObject(b: DefaultClusterRoleBinding): DefaultObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: b.name, labels: { ...BOOTSTRAP_LABEL }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: b.role },
    subjects: b.groups.map((name) => ({ apiGroup: RBAC_GROUP, kind: 'Group', name })),
  };
}
