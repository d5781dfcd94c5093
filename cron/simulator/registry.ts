import type { Reconciler } from '../reconciler.js';
import { kubernetesReconcilers } from '../registry.js';
import type { SimulatorSettings } from '../../shared/simulator/settings.js';
import { daemonSetController } from './daemonset-controller.js';
import { deploymentController } from './deployment-controller.js';
import { createIngressController } from './ingress-controller.js';
import { jobController } from './job-controller.js';
import { createKubelet } from './kubelet.js';
import { createPersistentVolumeBinder } from './persistentvolume-binder.js';
import { replicaSetController } from './replicaset-controller.js';
import { createScheduler } from './scheduler.js';
import { createServiceController } from './service-controller.js';
import { statefulSetController } from './statefulset-controller.js';

/**
 * Every reconciler a simulated member cluster runs: the Kubernetes reconcilers the control
 * plane itself runs (garbage collector, namespace finalizer, CRDs, ServiceAccounts, RBAC
 * aggregation: a member is a Kubernetes API server too; Karmada's controllers are not among
 * them, members serve no Karmada kinds), then the simulated kube-controller-manager,
 * scheduler and kubelet. Made per member: the scheduler serialises its own passes.
 */
export function simulatorReconcilers(settings: SimulatorSettings): Reconciler[] {
  return [
    ...kubernetesReconcilers,
    createScheduler(),
    createKubelet(settings),
    replicaSetController,
    deploymentController,
    statefulSetController,
    daemonSetController,
    jobController,
    createServiceController(settings),
    createIngressController(settings),
    createPersistentVolumeBinder(settings),
  ];
}
