import { list } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

export const serviceAccountPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'),
    AGE_COLUMN,
  ],
  cells(sa, now) {
    return [sa.metadata.name ?? '', list(sa.secrets).length, ageCell(sa, now)];
  },
};
