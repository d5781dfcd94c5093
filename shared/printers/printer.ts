import type { KubeObject } from '../object.js';

/** metav1.TableColumnDefinition. */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  /** 0: always shown; 1: only with `kubectl get -o wide`. */
  priority: number;
}

/** metav1.TableRowCondition: kubectl reads `Completed` to tell finished pods apart. */
export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/**
 * How one kind prints as Table rows: its columns and, per object, one cell per column.
 * kube-apiserver always generates the wide form (kubectl hides priority-1 columns itself),
 * so `cells` returns every column's cell.
 */
export interface Printer {
  columns: TableColumnDefinition[];
  cells(obj: KubeObject, now: number): unknown[];
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}

/** metav1.ObjectMeta's field documentation, which upstream's Name and Age columns reuse. */
export const OBJECT_META_DESCRIPTIONS = {
  name: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  creationTimestamp:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
} as const;

export function column(name: string, type: string, description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}

export const NAME_COLUMN: TableColumnDefinition = column('Name', 'string', OBJECT_META_DESCRIPTIONS.name, 0, 'name');
export const AGE_COLUMN: TableColumnDefinition = column('Age', 'string', OBJECT_META_DESCRIPTIONS.creationTimestamp);

/** The wide-only columns every workload printer shares. */
export const CONTAINERS_COLUMN = column('Containers', 'string', 'Names of each container in the template.', 1);
export const IMAGES_COLUMN = column('Images', 'string', 'Images referenced by each container in the template.', 1);
