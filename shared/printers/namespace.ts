import { obj, str } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

export const namespacePrinter: Printer = {
  columns: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  cells(ns, now) {
    return [ns.metadata.name ?? '', str(obj(ns.status).phase), ageCell(ns, now)];
  },
};
