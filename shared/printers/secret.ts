import { obj, str } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

export const secretPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'),
    column('Data', 'string', "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
    AGE_COLUMN,
  ],
  cells(secret, now) {
    // Upstream merges stringData into data on write and defaults the type to Opaque.
    const keys = new Set([...Object.keys(obj(secret.data)), ...Object.keys(obj(secret.stringData))]);
    return [secret.metadata.name ?? '', str(secret.type) || 'Opaque', keys.size, ageCell(secret, now)];
  },
};
