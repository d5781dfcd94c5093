import type { KubeObject } from '../object.js';
import { customResourcePrinter, type CustomResourceColumnDefinition, type Printer } from '../printers/index.js';
import { AGE_COLUMN, column, NAME_COLUMN } from '../printers/printer.js';
import { humanDuration } from '../time.js';
import { CLUSTER_CONDITION_READY, CLUSTER_GROUP, type Cluster } from './cluster.js';
import { POLICY_GROUP } from './propagation-policy.js';
import { WORK_GROUP } from './resource-binding.js';
import { APPS_GROUP } from './workload-rebalancer.js';

/**
 * `kubectl get` columns of Karmada's kinds. The CRD-defined kinds print exactly their CRDs'
 * additionalPrinterColumns; Cluster, served by Karmada's aggregated API server, prints what
 * that server's table handler prints.
 */

const AGE: CustomResourceColumnDefinition = { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' };

const policyColumns: CustomResourceColumnDefinition[] = [
  { name: 'CONFLICT-RESOLUTION', type: 'string', jsonPath: '.spec.conflictResolution' },
  { name: 'PRIORITY', type: 'string', jsonPath: '.spec.priority' },
  AGE,
];

const bindingColumns: CustomResourceColumnDefinition[] = [
  { name: 'SCHEDULED', type: 'string', jsonPath: '.status.conditions[?(@.type=="Scheduled")].status' },
  { name: 'FULLYAPPLIED', type: 'string', jsonPath: '.status.conditions[?(@.type=="FullyApplied")].status' },
  AGE,
];

const workColumns: CustomResourceColumnDefinition[] = [
  { name: 'WORKLOAD-KIND', type: 'string', jsonPath: '.spec.workload.manifests[*].kind' },
  { name: 'APPLIED', type: 'string', jsonPath: '.status.conditions[?(@.type=="Applied")].status' },
  AGE,
];

/** additionalPrinterColumns of Karmada's CRD kinds, by `resource.group`; kinds without any print Name and Age. */
export const karmadaPrinterColumns: Record<string, CustomResourceColumnDefinition[] | undefined> = {
  [`propagationpolicies.${POLICY_GROUP}`]: policyColumns,
  [`clusterpropagationpolicies.${POLICY_GROUP}`]: policyColumns,
  [`overridepolicies.${POLICY_GROUP}`]: undefined,
  [`clusteroverridepolicies.${POLICY_GROUP}`]: undefined,
  [`clustertaintpolicies.${POLICY_GROUP}`]: undefined,
  [`resourcebindings.${WORK_GROUP}`]: bindingColumns,
  [`clusterresourcebindings.${WORK_GROUP}`]: bindingColumns,
  [`works.${WORK_GROUP}`]: workColumns,
  [`workloadrebalancers.${APPS_GROUP}`]: undefined,
};

const none = (s: string | undefined): string => (s ? s : '<none>');

/** Karmada's Cluster table: readiness from the Ready condition, "Unknown" before the first probe. */
export const clusterPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Version', 'string', 'The Kubernetes version of the member cluster.'),
    column('Mode', 'string', 'How the member cluster receives resources: Push or Pull.'),
    column('Ready', 'string', 'Whether the member cluster is ready to take workloads.'),
    AGE_COLUMN,
    column('Zones', 'string', 'The failure zones of the member cluster.', 1),
    column('Region', 'string', 'The region of the member cluster.', 1),
    column('Provider', 'string', 'The cloud provider of the member cluster.', 1),
    column('API-Endpoint', 'string', "The URL of the member cluster's API server.", 1),
    column('Proxy-URL', 'string', 'The proxy the member cluster is reached through.', 1),
  ],
  cells(obj: KubeObject, now: number) {
    const c = obj as unknown as Partial<Cluster>;
    const spec = c.spec;
    const ready = c.status?.conditions?.find((x) => x.type === CLUSTER_CONDITION_READY)?.status ?? 'Unknown';
    const created = obj.metadata.creationTimestamp;
    return [
      obj.metadata.name ?? '',
      c.status?.kubernetesVersion ?? '',
      spec?.syncMode ?? '',
      ready,
      created ? humanDuration(now - Date.parse(created)) : '<unknown>',
      spec?.zones?.length ? spec.zones.join(',') : '<none>',
      none(spec?.region),
      none(spec?.provider),
      spec?.apiEndpoint ?? '',
      none(spec?.proxyURL),
    ];
  },
};

/** Table printers of every Karmada kind, by `resource.group`. */
export function karmadaPrinters(): Record<string, Printer> {
  const out: Record<string, Printer> = { [`clusters.${CLUSTER_GROUP}`]: clusterPrinter };
  for (const [key, columns] of Object.entries(karmadaPrinterColumns)) out[key] = customResourcePrinter(columns);
  return out;
}
