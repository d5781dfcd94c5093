import { obj, str } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

export const leasePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.'),
    AGE_COLUMN,
  ],
  cells(lease, now) {
    return [lease.metadata.name ?? '', str(obj(lease.spec).holderIdentity), ageCell(lease, now)];
  },
};
