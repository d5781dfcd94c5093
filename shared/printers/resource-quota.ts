import { obj } from './json.js';
import { NAME_COLUMN, AGE_COLUMN, column, type Printer } from './printer.js';
import { formatQuantity } from './quantity.js';
import { ageCell } from './timestamp.js';

/** SortableResourceNames: plain string order. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * REQUEST and LIMIT: `resource: used/hard` for every resource in status.hard; names
 * starting with "limits." go to LIMIT, the rest to REQUEST.
 */
export function quotaColumns(status: Record<string, unknown>): [request: string, limit: string] {
  const hard = obj(status.hard);
  const used = obj(status.used);
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort(byName)) {
    const pieces = name.split('.');
    const into = pieces.length > 1 && pieces[0] === 'limits' ? limit : request;
    into.push(`${name}: ${formatQuantity(used[name])}/${formatQuantity(hard[name])}`);
  }
  return [request.join(', '), limit.join(', ')];
}

export const resourceQuotaPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    AGE_COLUMN,
  ],
  cells(rq, now) {
    return [rq.metadata.name ?? '', ...quotaColumns(obj(rq.status)), ageCell(rq, now)];
  },
};
