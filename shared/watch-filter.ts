import { matchesFields, parseFieldSelector, type FieldRequirement } from './field-selector.js';
import { matchesLabels, parseLabelSelector, type Requirement } from './label-selector.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A watcher's selectors, parsed once for every change it is shown. */
export interface WatchSelectors {
  labels: Requirement[];
  fields: FieldRequirement[];
}

/** What a change row carries for filtering: labels and fields after it, and before it (JSON maps). */
export interface FilterableChange {
  type: WatchEventType;
  labels: string;
  fields: string;
  prevLabels: string | null;
  prevFields: string | null;
}

export function compileWatchSelectors(labelSelector?: string | Requirement[], fieldSelector?: string | FieldRequirement[]): WatchSelectors {
  return {
    labels: typeof labelSelector === 'string' ? parseLabelSelector(labelSelector) : (labelSelector ?? []),
    fields: typeof fieldSelector === 'string' ? parseFieldSelector(fieldSelector) : (fieldSelector ?? []),
  };
}

function matches(labels: string | null, fields: string | null, sel: WatchSelectors): boolean {
  return (
    matchesLabels(JSON.parse(labels ?? '{}') as Record<string, string>, sel.labels) &&
    matchesFields(JSON.parse(fields ?? '{}') as Record<string, string>, sel.fields)
  );
}

/**
 * How a watcher with these selectors sees a change, as kube-apiserver's watch filter does:
 * an object entering the selection is ADDED, one leaving it DELETED, one outside it before
 * and after is not seen at all (undefined).
 */
export function watchEventTypeFor(change: FilterableChange, sel: WatchSelectors): WatchEventType | undefined {
  if (sel.labels.length === 0 && sel.fields.length === 0) return change.type;
  const before = change.type !== 'ADDED' && matches(change.prevLabels, change.prevFields, sel);
  if (change.type === 'DELETED') return before ? 'DELETED' : undefined;
  if (matches(change.labels, change.fields, sel)) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}
