import { int, isSet, obj } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { ageCell } from './timestamp.js';

/** IntOrString.String(): the number or the percentage as written, "N/A" when unset. */
function intOrString(v: unknown): string {
  if (!isSet(v)) return 'N/A';
  return typeof v === 'number' ? String(int(v)) : String(v);
}

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE_COLUMN,
  ],
  cells(pdb, now) {
    const spec = obj(pdb.spec);
    return [
      pdb.metadata.name ?? '',
      intOrString(spec.minAvailable),
      intOrString(spec.maxUnavailable),
      int(obj(pdb.status).disruptionsAllowed),
      ageCell(pdb, now),
    ];
  },
};
