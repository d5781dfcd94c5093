import type { Reconciler } from '../reconciler.js';
import { clusterController } from './cluster.js';
import { detector } from './detector.js';
import { scheduler } from './scheduler.js';
import { workloadRebalancerController } from './workload-rebalancer.js';
import { bindingController } from './binding.js';
import { namespaceSyncController } from './namespace-sync.js';
import { dependenciesDistributor } from './dependencies-distributor.js';
import { executionController } from './execution.js';
import { workStatusController } from './work-status.js';
import { bindingStatusController } from './binding-status.js';
import { clusterTaintPolicyController } from './cluster-taint-policy.js';
import { taintManager } from './taint-manager.js';
import { gracefulEvictionController } from './graceful-eviction.js';
import { applicationFailoverController } from './application-failover.js';

/**
 * Karmada's controllers: they run on the control plane only (members serve no Karmada
 * kinds). Adding one is adding a file and a line here.
 */
export const karmadaControllers: readonly Reconciler[] = [
  clusterController,
  detector,
  scheduler,
  workloadRebalancerController,
  bindingController,
  namespaceSyncController,
  dependenciesDistributor,
  executionController,
  workStatusController,
  bindingStatusController,
  clusterTaintPolicyController,
  taintManager,
  gracefulEvictionController,
  applicationFailoverController,
];
