import { desiredReplicas } from './deployment.js';
import { formatLabelSelector } from './format-label-selector.js';
import { int, obj } from './json.js';
import { layoutContainerCells, templateContainers } from './labels.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

export const replicaSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.'),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', 'Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set.', 1),
  ],
  cells(rs, now) {
    const spec = obj(rs.spec);
    const status = obj(rs.status);
    const [names, images] = layoutContainerCells(templateContainers(spec.template));
    return [
      rs.metadata.name ?? '',
      desiredReplicas(spec),
      int(status.replicas),
      int(status.readyReplicas),
      ageCell(rs, now),
      names,
      images,
      formatLabelSelector(spec.selector),
    ];
  },
};
