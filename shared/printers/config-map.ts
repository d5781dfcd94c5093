import { keyCount } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

export const configMapPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Data', 'string', "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."),
    AGE_COLUMN,
  ],
  cells(cm, now) {
    return [cm.metadata.name ?? '', keyCount(cm.data) + keyCount(cm.binaryData), ageCell(cm, now)];
  },
};
