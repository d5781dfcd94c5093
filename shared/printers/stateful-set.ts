import { desiredReplicas } from './deployment.js';
import { int, obj } from './json.js';
import { layoutContainerCells, templateContainers } from './labels.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

export const statefulSetPrinter: Printer = {
  columns: [NAME_COLUMN, column('Ready', 'string', 'Number of the pod with ready state'), AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN],
  cells(sts, now) {
    const spec = obj(sts.spec);
    const [names, images] = layoutContainerCells(templateContainers(spec.template));
    return [sts.metadata.name ?? '', `${int(obj(sts.status).readyReplicas)}/${desiredReplicas(spec)}`, ageCell(sts, now), names, images];
  },
};
