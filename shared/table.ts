import type { KubeObject } from './object.js';
import { customResourcePrinter, type CustomResourceColumnDefinition } from './printers/additional-printer-columns.js';
import { karmadaPrinters } from './karmada/printers.js';
import { builtinPrinters } from './printers/index.js';
import { AGE_COLUMN, NAME_COLUMN, type Printer, type TableColumnDefinition, type TableRowCondition } from './printers/printer.js';
import { ageCell } from './printers/timestamp.js';
import type { ResourceType } from './registry/resource-type.js';

export type { TableColumnDefinition, TableRowCondition } from './printers/printer.js';
export { ageCell } from './printers/timestamp.js';

/** The columns of one kind and how to fill them (shared/printers/ holds one per kind). */
export type ColumnSource = Printer;

/** What kinds without a printer print: Name and Age. */
export const nameAgeColumns: ColumnSource = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (obj, now) => [obj.metadata.name ?? '', ageCell(obj, now)],
};

/**
 * Per-kind printers, keyed by a registry entry's `printer` (or `resource.group`). Kinds
 * without one print Name and Age.
 */
export const columnSources: Record<string, ColumnSource> = { ...builtinPrinters, ...karmadaPrinters() };

/** CRD printers, built once per column list (registry entries outlive requests). */
const customPrinters = new WeakMap<readonly CustomResourceColumnDefinition[], Printer>();

function customResourceColumns(type: ResourceType, servedVersion: string | undefined): readonly CustomResourceColumnDefinition[] | undefined {
  const versions = type.customResource?.versions;
  if (!versions) return undefined;
  const info = versions[servedVersion ?? ''] ?? versions[type.versions[0] ?? ''];
  return info?.printerColumns ?? [];
}

/**
 * The printer for a type at a served version: a CRD version's additionalPrinterColumns
 * (Name and Age when it has none), else the built-in printer its `printer` key names.
 */
export function columnSourceFor(
  type: ResourceType,
  sources: Record<string, ColumnSource> = columnSources,
  servedVersion?: string,
): ColumnSource {
  const columns = customResourceColumns(type, servedVersion);
  if (columns) {
    let printer = customPrinters.get(columns);
    if (!printer) {
      printer = customResourcePrinter(columns);
      customPrinters.set(columns, printer);
    }
    return printer;
  }
  const key = type.printer ?? (type.group ? `${type.resource}.${type.group}` : type.resource);
  return sources[key] ?? nameAgeColumns;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';
export type MetaVersion = 'v1' | 'v1beta1';

export function partialObjectMetadata(obj: KubeObject, version: MetaVersion = 'v1'): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

export interface TableOptions {
  now: number;
  includeObject?: IncludeObject;
  version?: MetaVersion;
  /** The API version the client asked for (CRD columns differ per version); else the objects' own. */
  servedVersion?: string;
  resourceVersion?: string;
  continue?: string;
  /** Watch events after the first omit the column definitions, as upstream does to save bandwidth. */
  noHeaders?: boolean;
  sources?: Record<string, ColumnSource>;
}

export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object?: KubeObject;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

function versionOf(apiVersion: string | undefined): string | undefined {
  if (!apiVersion) return undefined;
  return apiVersion.slice(apiVersion.indexOf('/') + 1);
}

/** A meta.k8s.io Table of objects, what `kubectl get` asks for with `as=Table`. */
export function toTable(type: ResourceType, objects: KubeObject[], opts: TableOptions): Table {
  const servedVersion = opts.servedVersion ?? versionOf(objects[0]?.apiVersion);
  const source = columnSourceFor(type, opts.sources, servedVersion);
  const include = opts.includeObject ?? 'Metadata';
  const version = opts.version ?? 'v1';
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: {
      ...(opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {}),
      ...(opts.continue ? { continue: opts.continue } : {}),
    },
    columnDefinitions: opts.noHeaders ? [] : source.columns,
    rows: objects.map((obj) => {
      const conditions = source.conditions?.(obj);
      return {
        cells: source.cells(obj, opts.now),
        ...(conditions ? { conditions } : {}),
        ...(include === 'Object' ? { object: obj } : include === 'Metadata' ? { object: partialObjectMetadata(obj, version) } : {}),
      };
    }),
  };
}
