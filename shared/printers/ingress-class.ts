import { isSet, obj, str } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

/** PARAMETERS: `Kind.apiGroup/name` of spec.parameters, "<none>" without. */
function parameters(spec: Record<string, unknown>): string {
  if (!isSet(spec.parameters)) return '<none>';
  const p = obj(spec.parameters);
  const kind = isSet(p.apiGroup) ? `${str(p.kind)}.${str(p.apiGroup)}` : str(p.kind);
  return `${kind}/${str(p.name)}`;
}

export const ingressClassPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    AGE_COLUMN,
  ],
  cells(ic, now) {
    const spec = obj(ic.spec);
    return [ic.metadata.name ?? '', str(spec.controller), parameters(spec), ageCell(ic, now)];
  },
};
