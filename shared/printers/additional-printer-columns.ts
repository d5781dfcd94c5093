import { humanDuration } from '../time.js';
import { goPrint } from './go-text.js';
import { findResults, parseJsonPath, type JsonPath } from './jsonpath.js';
import { NAME_COLUMN, OBJECT_META_DESCRIPTIONS, type Printer, type TableColumnDefinition } from './printer.js';
import { parseTime } from './timestamp.js';

/**
 * apiextensions.k8s.io/v1 CustomResourceColumnDefinition, one entry of a CRD version's
 * additionalPrinterColumns. Fields are optional as decoded; CRD validation requires name,
 * type and jsonPath before a column ever reaches a printer.
 */
export interface CustomResourceColumnDefinition {
  name?: string;
  type?: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath?: string;
}

/** What a CRD version without additionalPrinterColumns prints besides its name. */
export const DEFAULT_CUSTOM_RESOURCE_COLUMNS: CustomResourceColumnDefinition[] = [
  { name: 'Age', type: 'date', description: OBJECT_META_DESCRIPTIONS.creationTimestamp, jsonPath: '.metadata.creationTimestamp' },
];

/** time.RFC3339 as Go parses it (fractional seconds allowed). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A date column: the value's age, "<unknown>" for an empty one, "<invalid>" when it is no RFC 3339 time. */
function dateCell(value: string, now: number): string {
  if (value === '' || value === 'null') return '<unknown>';
  if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) return '<invalid>';
  const ms = parseTime(value);
  return ms === undefined ? '<unknown>' : humanDuration(now - ms);
}

/** tableconvertor.cellForJSONValue: the cell a typed column makes of a value; null when the types disagree. */
function typedCell(type: string, value: unknown, now: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'date':
      return typeof value === 'string' ? dateCell(value, now) : null;
    default:
      return null;
  }
}

/**
 * The Table printer for one CRD version, as apiextensions-apiserver's table convertor
 * builds it: Name, then each column in order (the default Age column when none are given).
 * String columns print whatever the path finds (objects as JSON); other types keep their
 * JSON type; a path that finds nothing gives an empty (null) cell. Like upstream, columns
 * stop at the first JSONPath that does not parse.
 */
export function customResourcePrinter(columns: readonly CustomResourceColumnDefinition[] | undefined): Printer {
  const given = columns && columns.length ? columns : DEFAULT_CUSTOM_RESOURCE_COLUMNS;
  const definitions: TableColumnDefinition[] = [NAME_COLUMN];
  const paths: { type: string; path: JsonPath }[] = [];
  for (const col of given) {
    const type = col.type ?? '';
    let path: JsonPath;
    try {
      path = parseJsonPath(col.jsonPath ?? '');
    } catch {
      break;
    }
    paths.push({ type, path });
    definitions.push({
      name: col.name ?? '',
      type,
      format: col.format ?? '',
      description: col.description || `Custom resource definition column (in JSONPath format): ${col.jsonPath ?? ''}`,
      priority: col.priority ?? 0,
    });
  }
  return {
    columns: definitions,
    cells(obj, now) {
      const cells: unknown[] = [obj.metadata.name ?? ''];
      for (const { type, path } of paths) {
        let results: unknown[];
        try {
          results = findResults(path, obj);
        } catch {
          cells.push(null);
          continue;
        }
        if (results.length === 0) {
          cells.push(null);
          continue;
        }
        const value = results[0];
        cells.push(type === 'string' ? goPrint(value) : typedCell(type, value, now));
      }
      return cells;
    },
  };
}
