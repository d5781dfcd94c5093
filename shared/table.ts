import type { KubeObject } from './object.js';
import type { ResourceType } from './registry/resource-type.js';
import { humanDuration } from './time.js';

/** metav1.TableColumnDefinition. */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** The columns of one kind and how to fill them; Name and Age come first and last by convention. */
export interface ColumnSource {
  columns: TableColumnDefinition[];
  cells(obj: KubeObject, now: number): unknown[];
}

const NAME_COLUMN: TableColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

const AGE_COLUMN: TableColumnDefinition = {
  name: 'Age',
  type: 'string',
  format: '',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.',
  priority: 0,
};

/** The AGE cell as kube prints it ("<unknown>" without a creationTimestamp). */
export function ageCell(obj: KubeObject, now: number): string {
  const ts = obj.metadata.creationTimestamp;
  if (!ts) return '<unknown>';
  return humanDuration(now - Date.parse(ts));
}

export const nameAgeColumns: ColumnSource = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (obj, now) => [obj.metadata.name ?? '', ageCell(obj, now)],
};

/**
 * Per-kind column sources, keyed by a registry entry's `printer` (or `resource.group`).
 * Kinds without one print Name and Age; adding a kind's columns is adding an entry here.
 */
export const columnSources: Record<string, ColumnSource> = {};

export function columnSourceFor(type: ResourceType, sources: Record<string, ColumnSource> = columnSources): ColumnSource {
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
  resourceVersion?: string;
  continue?: string;
  /** Watch events after the first omit the column definitions, as upstream does to save bandwidth. */
  noHeaders?: boolean;
  sources?: Record<string, ColumnSource>;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumnDefinition[];
  rows: { cells: unknown[]; object?: KubeObject }[];
}

/** A meta.k8s.io Table of objects, what `kubectl get` asks for with `as=Table`. */
export function toTable(type: ResourceType, objects: KubeObject[], opts: TableOptions): Table {
  const source = columnSourceFor(type, opts.sources);
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
    rows: objects.map((obj) => ({
      cells: source.cells(obj, opts.now),
      ...(include === 'Object' ? { object: obj } : include === 'Metadata' ? { object: partialObjectMetadata(obj, version) } : {}),
    })),
  };
}
