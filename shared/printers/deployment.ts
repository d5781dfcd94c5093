import { int, obj } from './json.js';
import { labelSelectorString } from './format-label-selector.js';
import { layoutContainerCells, templateContainers } from './labels.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

/** Upstream defaulting sets spec.replicas to 1; a stored object without it means 1. */
export function desiredReplicas(spec: Record<string, unknown>): number {
  return spec.replicas === undefined || spec.replicas === null ? 1 : int(spec.replicas);
}

export const deploymentPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1),
  ],
  cells(d, now) {
    const spec = obj(d.spec);
    const status = obj(d.status);
    const [names, images] = layoutContainerCells(templateContainers(spec.template));
    // Unlike the other workloads, an empty selector prints "" and a bad one "<invalid>".
    const selector = labelSelectorString(spec.selector) ?? '<invalid>';
    return [
      d.metadata.name ?? '',
      `${int(status.readyReplicas)}/${desiredReplicas(spec)}`,
      int(status.updatedReplicas),
      int(status.availableReplicas),
      ageCell(d, now),
      names,
      images,
      selector,
    ];
  },
};
