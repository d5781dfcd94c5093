import type { StatusCause } from '../../status.js';
import { invalid, tooLong } from '../field-errors.js';
import { labelValueErrors, qualifiedNameErrors } from '../name-rules.js';

/** kube's cap on all annotations of one object together. */
const TOTAL_ANNOTATION_BYTES = 256 * 1024;

/** Labels an overrider would set: keys qualified names, values label values (kube's ValidateLabels). */
export function validateLabelMap(labels: Record<string, string> | undefined, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const e of qualifiedNameErrors(k)) out.push(invalid(path, k, e));
    for (const e of labelValueErrors(v)) out.push(invalid(path, v, e));
  }
  return out;
}

/** Annotations an overrider would set: keys qualified names (case-insensitively), 256 KiB in all. */
export function validateAnnotationMap(annotations: Record<string, string> | undefined, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  let total = 0;
  const enc = new TextEncoder();
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const e of qualifiedNameErrors(k.toLowerCase())) out.push(invalid(path, k, e));
    total += enc.encode(k).length + enc.encode(v).length;
  }
  if (total > TOTAL_ANNOTATION_BYTES) out.push(tooLong(path, TOTAL_ANNOTATION_BYTES));
  return out;
}
