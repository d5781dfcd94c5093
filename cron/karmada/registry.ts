import type { Reconciler } from '../reconciler.js';
import { clusterController } from './cluster.js';
import { detector } from './detector.js';
import { scheduler } from './scheduler.js';
import { bindingController } from './binding.js';
import { executionController } from './execution.js';
import { workStatusController } from './work-status.js';
import { bindingStatusController } from './binding-status.js';

/**
 * Karmada's controllers: they run on the control plane only (members serve no Karmada
 * kinds). Adding one is adding a file and a line here.
 */
export const karmadaControllers: readonly Reconciler[] = [
  clusterController,
  detector,
  scheduler,
  bindingController,
  executionController,
  workStatusController,
  bindingStatusController,
];
