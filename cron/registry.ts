import type { Reconciler } from './reconciler.js';
import { crdLifecycle } from './crd-lifecycle.js';
import { garbageCollector } from './garbage-collector.js';
import { namespaceFinalizer } from './namespace-finalizer.js';
import { clusterRoleAggregationReconciler } from './clusterrole-aggregation.js';
import { serviceAccountReconciler } from './service-account.js';
import { serviceAccountTokenSecretReconciler } from './service-account-token-secret.js';
import { bootstrapTokenCleaner } from './bootstrap-token-cleaner.js';
import { karmadaControllers } from './karmada/registry.js';

/**
 * What any Kubernetes API server needs behind it (kube-controller-manager's part): the
 * control plane runs these, and so does every simulated member. Adding one is adding a file
 * and a line here.
 */
export const kubernetesReconcilers: readonly Reconciler[] = [
  garbageCollector,
  namespaceFinalizer,
  crdLifecycle,
  serviceAccountReconciler,
  serviceAccountTokenSecretReconciler,
  clusterRoleAggregationReconciler,
  bootstrapTokenCleaner,
];

/** Everything the control plane runs: the Kubernetes reconcilers and Karmada's controllers. */
export const controlPlaneReconcilers: readonly Reconciler[] = [...kubernetesReconcilers, ...karmadaControllers];

/** The control plane's list under its older name. */
export const reconcilers: readonly Reconciler[] = controlPlaneReconcilers;
