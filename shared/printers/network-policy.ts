import { formatLabelSelector } from './format-label-selector.js';
import { obj } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

export const networkPolicyPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Pod-Selector', 'string', 'Selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field.'),
    AGE_COLUMN,
  ],
  cells(np, now) {
    // podSelector is a struct, not a pointer, upstream: unset is the empty selector.
    return [np.metadata.name ?? '', formatLabelSelector(obj(obj(np.spec).podSelector)), ageCell(np, now)];
  },
};
