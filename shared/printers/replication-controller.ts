import { desiredReplicas } from './deployment.js';
import { int, obj } from './json.js';
import { formatLabels, layoutContainerCells, templateContainers } from './labels.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

export const replicationControllerPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.'),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    column('Ready', 'integer', 'The number of ready replicas for this replication controller.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', 'Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template.', 1),
  ],
  cells(rc, now) {
    const spec = obj(rc.spec);
    const status = obj(rc.status);
    const [names, images] = layoutContainerCells(templateContainers(spec.template));
    // Defaulting fills an empty selector from the template's labels.
    const selector = Object.keys(obj(spec.selector)).length ? spec.selector : obj(obj(spec.template).metadata).labels;
    return [
      rc.metadata.name ?? '',
      desiredReplicas(spec),
      int(status.replicas),
      int(status.readyReplicas),
      ageCell(rc, now),
      names,
      images,
      formatLabels(selector),
    ];
  },
};
