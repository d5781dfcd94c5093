import type { ResourceTypeInput, Verb } from './resource-type.js';

const ALL: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NO_COLLECTION_DELETE: Verb[] = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const CREATE_ONLY: Verb[] = ['create'];

/** Workload kinds keep generation: a spec change is something their controller must observe. */
const WORKLOAD = { generation: 'spec' } as const;

/**
 * The built-in kinds as kube-apiserver v1.33 serves them (names, short names, categories,
 * scopes, verbs), limited to the subresources Flotilla implements. Order within a group is
 * discovery order; groups appear in the order of `builtinGroups`.
 */
export const builtinResourceTypes: ResourceTypeInput[] = [
  // core/v1
  {
    group: '', versions: ['v1'], resource: 'namespaces', kind: 'Namespace', singular: 'namespace', shortNames: ['ns'],
    namespaced: false, verbs: NO_COLLECTION_DELETE, subresources: ['status', 'finalize'], nameRule: 'dns1123Label',
    selectableFields: { 'status.phase': {} }, initialStatus: { phase: 'Active' }, returnDeletedObject: true,
  },
  {
    group: '', versions: ['v1'], resource: 'nodes', kind: 'Node', singular: 'node', shortNames: ['no'],
    namespaced: false, verbs: ALL, subresources: ['status'], keepStatusOnCreate: true,
    selectableFields: { 'spec.unschedulable': { default: 'false' } },
  },
  {
    group: '', versions: ['v1'], resource: 'pods', kind: 'Pod', singular: 'pod', shortNames: ['po'], categories: ['all'],
    namespaced: true, verbs: ALL, subresources: ['status'], initialStatus: { phase: 'Pending' }, returnDeletedObject: true,
    selectableFields: {
      'spec.nodeName': {},
      'spec.restartPolicy': {},
      'spec.schedulerName': {},
      'spec.serviceAccountName': {},
      'spec.hostNetwork': { default: 'false' },
      'status.phase': {},
      'status.podIP': {},
      'status.nominatedNodeName': {},
    },
  },
  {
    group: '', versions: ['v1'], resource: 'services', kind: 'Service', singular: 'service', shortNames: ['svc'], categories: ['all'],
    namespaced: true, verbs: ALL, subresources: ['status'], nameRule: 'dns1035Label', initialStatus: { loadBalancer: {} },
    returnDeletedObject: true,
  },
  {
    group: '', versions: ['v1'], resource: 'endpoints', kind: 'Endpoints', singular: 'endpoints', shortNames: ['ep'],
    namespaced: true, verbs: ALL, allowCreateOnUpdate: true,
  },
  { group: '', versions: ['v1'], resource: 'configmaps', kind: 'ConfigMap', singular: 'configmap', shortNames: ['cm'], namespaced: true, verbs: ALL },
  {
    group: '', versions: ['v1'], resource: 'secrets', kind: 'Secret', singular: 'secret', namespaced: true, verbs: ALL,
    selectableFields: { type: {} },
  },
  {
    group: '', versions: ['v1'], resource: 'serviceaccounts', kind: 'ServiceAccount', singular: 'serviceaccount', shortNames: ['sa'],
    namespaced: true, verbs: ALL, subresources: ['token'],
  },
  {
    group: '', versions: ['v1'], resource: 'persistentvolumes', kind: 'PersistentVolume', singular: 'persistentvolume', shortNames: ['pv'],
    namespaced: false, verbs: ALL, subresources: ['status'], initialStatus: { phase: 'Pending' },
  },
  {
    group: '', versions: ['v1'], resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', singular: 'persistentvolumeclaim',
    shortNames: ['pvc'], namespaced: true, verbs: ALL, subresources: ['status'], initialStatus: { phase: 'Pending' },
  },
  {
    group: '', versions: ['v1'], resource: 'events', kind: 'Event', singular: 'event', shortNames: ['ev'], namespaced: true, verbs: ALL,
    allowCreateOnUpdate: true,
    selectableFields: {
      'involvedObject.kind': {},
      'involvedObject.namespace': {},
      'involvedObject.name': {},
      'involvedObject.uid': {},
      'involvedObject.apiVersion': {},
      'involvedObject.resourceVersion': {},
      'involvedObject.fieldPath': {},
      reason: {},
      reportingComponent: {},
      source: { from: 'source.component' },
      type: {},
    },
  },
  {
    group: '', versions: ['v1'], resource: 'resourcequotas', kind: 'ResourceQuota', singular: 'resourcequota', shortNames: ['quota'],
    namespaced: true, verbs: ALL, subresources: ['status'], initialStatus: {},
  },
  {
    group: '', versions: ['v1'], resource: 'limitranges', kind: 'LimitRange', singular: 'limitrange', shortNames: ['limits'],
    namespaced: true, verbs: ALL, allowCreateOnUpdate: true,
  },
  {
    group: '', versions: ['v1'], resource: 'replicationcontrollers', kind: 'ReplicationController', singular: 'replicationcontroller',
    shortNames: ['rc'], categories: ['all'], namespaced: true, verbs: ALL, subresources: ['status', 'scale'], ...WORKLOAD,
    initialStatus: { replicas: 0 }, selectableFields: { 'status.replicas': { default: '0' } },
  },
  { group: '', versions: ['v1'], resource: 'podtemplates', kind: 'PodTemplate', singular: 'podtemplate', namespaced: true, verbs: ALL },
  // apps/v1
  {
    group: 'apps', versions: ['v1'], resource: 'controllerrevisions', kind: 'ControllerRevision', singular: 'controllerrevision',
    namespaced: true, verbs: ALL,
  },
  {
    group: 'apps', versions: ['v1'], resource: 'daemonsets', kind: 'DaemonSet', singular: 'daemonset', shortNames: ['ds'], categories: ['all'],
    namespaced: true, verbs: ALL, subresources: ['status'], ...WORKLOAD, initialStatus: {
      currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0,
    },
  },
  {
    group: 'apps', versions: ['v1'], resource: 'deployments', kind: 'Deployment', singular: 'deployment', shortNames: ['deploy'],
    categories: ['all'], namespaced: true, verbs: ALL, subresources: ['status', 'scale'], generation: 'spec+annotations', initialStatus: {},
  },
  {
    group: 'apps', versions: ['v1'], resource: 'replicasets', kind: 'ReplicaSet', singular: 'replicaset', shortNames: ['rs'], categories: ['all'],
    namespaced: true, verbs: ALL, subresources: ['status', 'scale'], ...WORKLOAD, initialStatus: { replicas: 0 },
    selectableFields: { 'status.replicas': { default: '0' } },
  },
  {
    group: 'apps', versions: ['v1'], resource: 'statefulsets', kind: 'StatefulSet', singular: 'statefulset', shortNames: ['sts'],
    categories: ['all'], namespaced: true, verbs: ALL, subresources: ['status', 'scale'], ...WORKLOAD, initialStatus: { replicas: 0, availableReplicas: 0 },
  },
  // authentication.k8s.io/v1, authorization.k8s.io/v1: answered, never stored
  {
    group: 'authentication.k8s.io', versions: ['v1'], resource: 'selfsubjectreviews', kind: 'SelfSubjectReview',
    singular: 'selfsubjectreview', namespaced: false, verbs: CREATE_ONLY, virtual: true,
  },
  {
    group: 'authentication.k8s.io', versions: ['v1'], resource: 'tokenreviews', kind: 'TokenReview',
    singular: 'tokenreview', namespaced: false, verbs: CREATE_ONLY, virtual: true,
  },
  {
    group: 'authorization.k8s.io', versions: ['v1'], resource: 'localsubjectaccessreviews', kind: 'LocalSubjectAccessReview',
    singular: 'localsubjectaccessreview', namespaced: true, verbs: CREATE_ONLY, virtual: true,
  },
  {
    group: 'authorization.k8s.io', versions: ['v1'], resource: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview',
    singular: 'selfsubjectaccessreview', namespaced: false, verbs: CREATE_ONLY, virtual: true,
  },
  {
    group: 'authorization.k8s.io', versions: ['v1'], resource: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview',
    singular: 'selfsubjectrulesreview', namespaced: false, verbs: CREATE_ONLY, virtual: true,
  },
  {
    group: 'authorization.k8s.io', versions: ['v1'], resource: 'subjectaccessreviews', kind: 'SubjectAccessReview',
    singular: 'subjectaccessreview', namespaced: false, verbs: CREATE_ONLY, virtual: true,
  },
  // autoscaling/v2 (stored) and v1 (converted)
  {
    group: 'autoscaling', versions: ['v2', 'v1'], storageVersion: 'v2', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler',
    singular: 'horizontalpodautoscaler', shortNames: ['hpa'], categories: ['all'], namespaced: true, verbs: ALL,
    subresources: ['status'], ...WORKLOAD, initialStatus: { currentReplicas: 0, desiredReplicas: 0 },
  },
  // batch/v1
  {
    group: 'batch', versions: ['v1'], resource: 'cronjobs', kind: 'CronJob', singular: 'cronjob', shortNames: ['cj'], categories: ['all'],
    namespaced: true, verbs: ALL, subresources: ['status'], ...WORKLOAD, initialStatus: {},
  },
  {
    group: 'batch', versions: ['v1'], resource: 'jobs', kind: 'Job', singular: 'job', categories: ['all'], namespaced: true, verbs: ALL,
    subresources: ['status'], ...WORKLOAD, initialStatus: {}, defaultPropagation: 'Orphan',
    selectableFields: { 'status.successful': { default: '0' } },
  },
  // networking.k8s.io/v1
  {
    group: 'networking.k8s.io', versions: ['v1'], resource: 'ingressclasses', kind: 'IngressClass', singular: 'ingressclass',
    namespaced: false, verbs: ALL, ...WORKLOAD,
  },
  {
    group: 'networking.k8s.io', versions: ['v1'], resource: 'ingresses', kind: 'Ingress', singular: 'ingress', shortNames: ['ing'],
    namespaced: true, verbs: ALL, subresources: ['status'], ...WORKLOAD, initialStatus: { loadBalancer: {} },
  },
  {
    group: 'networking.k8s.io', versions: ['v1'], resource: 'networkpolicies', kind: 'NetworkPolicy', singular: 'networkpolicy',
    shortNames: ['netpol'], namespaced: true, verbs: ALL, ...WORKLOAD,
  },
  // policy/v1
  {
    group: 'policy', versions: ['v1'], resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', singular: 'poddisruptionbudget',
    shortNames: ['pdb'], namespaced: true, verbs: ALL, subresources: ['status'], ...WORKLOAD,
    initialStatus: { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 },
  },
  // rbac.authorization.k8s.io/v1: names such as system:controller:… are path segments, not DNS names
  ...(['clusterrolebindings', 'clusterroles', 'rolebindings', 'roles'] as const).map(
    (resource): ResourceTypeInput => ({
      group: 'rbac.authorization.k8s.io', versions: ['v1'], resource, singular: resource.slice(0, -1),
      kind: { clusterrolebindings: 'ClusterRoleBinding', clusterroles: 'ClusterRole', rolebindings: 'RoleBinding', roles: 'Role' }[resource],
      namespaced: !resource.startsWith('cluster'), verbs: ALL, nameRule: 'pathSegment', allowCreateOnUpdate: true,
    }),
  ),
  // storage.k8s.io/v1
  {
    group: 'storage.k8s.io', versions: ['v1'], resource: 'storageclasses', kind: 'StorageClass', singular: 'storageclass', shortNames: ['sc'],
    namespaced: false, verbs: ALL,
  },
  // apiextensions.k8s.io/v1: the kinds CRDs define are added per request (shared/crd/, db/crd-registry.ts)
  {
    group: 'apiextensions.k8s.io', versions: ['v1'], resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition',
    singular: 'customresourcedefinition', shortNames: ['crd', 'crds'], categories: ['api-extensions'], namespaced: false, verbs: ALL,
    subresources: ['status'], ...WORKLOAD, initialStatus: {},
  },
  // scheduling.k8s.io/v1
  {
    group: 'scheduling.k8s.io', versions: ['v1'], resource: 'priorityclasses', kind: 'PriorityClass', singular: 'priorityclass',
    shortNames: ['pc'], namespaced: false, verbs: ALL,
  },
  // coordination.k8s.io/v1
  {
    group: 'coordination.k8s.io', versions: ['v1'], resource: 'leases', kind: 'Lease', singular: 'lease', namespaced: true, verbs: ALL,
    allowCreateOnUpdate: true,
  },
  // discovery.k8s.io/v1
  {
    group: 'discovery.k8s.io', versions: ['v1'], resource: 'endpointslices', kind: 'EndpointSlice', singular: 'endpointslice',
    namespaced: true, verbs: ALL, ...WORKLOAD, allowCreateOnUpdate: true,
  },
];

/** Group order in /apis, as kube-apiserver lists them (kubectl breaks short-name ties by it). */
export const builtinGroups: string[] = [
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
];
