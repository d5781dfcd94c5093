import { rfc3339 } from '../time.js';
import { NAME_COLUMN, OBJECT_META_DESCRIPTIONS, column, type Printer } from './printer.js';
import { parseTime } from './timestamp.js';

/**
 * rest.DefaultTableConvertor: what kube-apiserver prints for built-in kinds without a
 * printer (Roles, ClusterRoles, LimitRanges): the name and the creation time in RFC 3339.
 */
export const defaultTableConvertor: Printer = {
  columns: [NAME_COLUMN, column('Created At', 'date', OBJECT_META_DESCRIPTIONS.creationTimestamp)],
  cells(o) {
    const created = parseTime(o.metadata.creationTimestamp);
    return [o.metadata.name ?? '', created === undefined ? '0001-01-01T00:00:00Z' : rfc3339(created)];
  },
};
