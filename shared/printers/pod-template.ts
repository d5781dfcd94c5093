import { obj } from './json.js';
import { formatLabels, layoutContainerCells, templateContainers } from './labels.js';
import { NAME_COLUMN, column, type Printer } from './printer.js';

/** PodTemplates print no age upstream. */
export const podTemplatePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Containers', 'string', 'Names of each container in the template.'),
    column('Images', 'string', 'Images referenced by each container in the template.'),
    column('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  cells(pt) {
    const template = obj(pt.template);
    const [names, images] = layoutContainerCells(templateContainers(template));
    return [pt.metadata.name ?? '', names, images, formatLabels(obj(template.metadata).labels)];
  },
};
