import type { Reconciler } from './reconciler.js';
import { crdLifecycle } from './crd-lifecycle.js';
import { garbageCollector } from './garbage-collector.js';
import { namespaceFinalizer } from './namespace-finalizer.js';
import { clusterRoleAggregationReconciler } from './clusterrole-aggregation.js';
import { serviceAccountReconciler } from './service-account.js';
import { serviceAccountTokenSecretReconciler } from './service-account-token-secret.js';
import { bootstrapTokenCleaner } from './bootstrap-token-cleaner.js';

/** Every reconciler the control plane runs. Adding one is adding a file and a line here. */
export const reconcilers: readonly Reconciler[] = [
  garbageCollector,
  namespaceFinalizer,
  crdLifecycle,
  serviceAccountReconciler,
  serviceAccountTokenSecretReconciler,
  clusterRoleAggregationReconciler,
  bootstrapTokenCleaner,
];
