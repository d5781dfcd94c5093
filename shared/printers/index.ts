import { configMapPrinter } from './config-map.js';
import { controllerRevisionPrinter } from './controller-revision.js';
import { cronJobPrinter } from './cron-job.js';
import { daemonSetPrinter } from './daemon-set.js';
import { defaultTableConvertor } from './default-table-convertor.js';
import { deploymentPrinter } from './deployment.js';
import { endpointSlicePrinter } from './endpoint-slice.js';
import { endpointsPrinter } from './endpoints.js';
import { eventPrinter } from './event.js';
import { horizontalPodAutoscalerPrinter } from './horizontal-pod-autoscaler.js';
import { ingressClassPrinter } from './ingress-class.js';
import { ingressPrinter } from './ingress.js';
import { jobPrinter } from './job.js';
import { leasePrinter } from './lease.js';
import { namespacePrinter } from './namespace.js';
import { networkPolicyPrinter } from './network-policy.js';
import { nodePrinter } from './node.js';
import { persistentVolumeClaimPrinter } from './persistent-volume-claim.js';
import { persistentVolumePrinter } from './persistent-volume.js';
import { podDisruptionBudgetPrinter } from './pod-disruption-budget.js';
import { podTemplatePrinter } from './pod-template.js';
import { podPrinter } from './pod.js';
import type { Printer } from './printer.js';
import { priorityClassPrinter } from './priority-class.js';
import { replicaSetPrinter } from './replica-set.js';
import { replicationControllerPrinter } from './replication-controller.js';
import { resourceQuotaPrinter } from './resource-quota.js';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './role-binding.js';
import { secretPrinter } from './secret.js';
import { serviceAccountPrinter } from './service-account.js';
import { servicePrinter } from './service.js';
import { statefulSetPrinter } from './stateful-set.js';
import { storageClassPrinter } from './storage-class.js';

export type { Printer, TableColumnDefinition, TableRowCondition } from './printer.js';
export { customResourcePrinter, DEFAULT_CUSTOM_RESOURCE_COLUMNS } from './additional-printer-columns.js';
export type { CustomResourceColumnDefinition } from './additional-printer-columns.js';

/**
 * kube-apiserver's printers by `resource.group` (`resource` for the core group), the key a
 * registry entry's `printer` defaults to. Kinds upstream has no printer for print Name and
 * Created At (the default table convertor); adding a kind's columns is adding a file and
 * a line here.
 */
export const builtinPrinters: Record<string, Printer> = {
  // core/v1
  pods: podPrinter,
  podtemplates: podTemplatePrinter,
  replicationcontrollers: replicationControllerPrinter,
  services: servicePrinter,
  endpoints: endpointsPrinter,
  nodes: nodePrinter,
  events: eventPrinter,
  namespaces: namespacePrinter,
  secrets: secretPrinter,
  serviceaccounts: serviceAccountPrinter,
  persistentvolumes: persistentVolumePrinter,
  persistentvolumeclaims: persistentVolumeClaimPrinter,
  configmaps: configMapPrinter,
  resourcequotas: resourceQuotaPrinter,
  limitranges: defaultTableConvertor,
  // apps/v1
  'deployments.apps': deploymentPrinter,
  'replicasets.apps': replicaSetPrinter,
  'statefulsets.apps': statefulSetPrinter,
  'daemonsets.apps': daemonSetPrinter,
  'controllerrevisions.apps': controllerRevisionPrinter,
  // batch/v1
  'jobs.batch': jobPrinter,
  'cronjobs.batch': cronJobPrinter,
  // autoscaling
  'horizontalpodautoscalers.autoscaling': horizontalPodAutoscalerPrinter,
  // networking.k8s.io/v1
  'ingresses.networking.k8s.io': ingressPrinter,
  'ingressclasses.networking.k8s.io': ingressClassPrinter,
  'networkpolicies.networking.k8s.io': networkPolicyPrinter,
  // policy/v1
  'poddisruptionbudgets.policy': podDisruptionBudgetPrinter,
  // rbac.authorization.k8s.io/v1
  'rolebindings.rbac.authorization.k8s.io': roleBindingPrinter,
  'clusterrolebindings.rbac.authorization.k8s.io': clusterRoleBindingPrinter,
  'roles.rbac.authorization.k8s.io': defaultTableConvertor,
  'clusterroles.rbac.authorization.k8s.io': defaultTableConvertor,
  // storage, scheduling, coordination, discovery
  'storageclasses.storage.k8s.io': storageClassPrinter,
  'priorityclasses.scheduling.k8s.io': priorityClassPrinter,
  'leases.coordination.k8s.io': leasePrinter,
  'endpointslices.discovery.k8s.io': endpointSlicePrinter,
  // apiextensions.k8s.io/v1
  'customresourcedefinitions.apiextensions.k8s.io': defaultTableConvertor,
};
