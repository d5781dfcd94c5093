import { isSet, list, obj, str } from './json.js';
import { byteOrder } from './labels.js';

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** validation.IsQualifiedName, which labels.NewRequirement applies to every key. */
function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return false;
  }
  return name.length > 0 && name.length <= 63 && NAME_PART.test(name);
}

function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/**
 * metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key, `k=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas; "" for a nil or empty
 * selector. Undefined when the selector is invalid (upstream's conversion error).
 */
export function labelSelectorString(selector: unknown): string | undefined {
  if (!isSet(selector)) return '';
  const sel = obj(selector);
  const requirements: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(obj(sel.matchLabels))) {
    const v = str(value);
    if (!isQualifiedName(key) || !isLabelValue(v)) return undefined;
    requirements.push({ key, text: `${key}=${v}` });
  }
  for (const expr of list(sel.matchExpressions).map(obj)) {
    const key = str(expr.key);
    const values = list(expr.values).map(str);
    if (!isQualifiedName(key) || !values.every(isLabelValue)) return undefined;
    // Values print sorted without reordering the stored selector, as Requirement.String does.
    const joined = values.length === 1 ? values[0]! : [...values].sort(byteOrder).join(',');
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return undefined;
        requirements.push({ key, text: `${key} ${expr.operator === 'In' ? 'in' : 'notin'} (${joined})` });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length !== 0) return undefined;
        requirements.push({ key, text: expr.operator === 'Exists' ? key : `!${key}` });
        break;
      default:
        return undefined;
    }
  }
  // Stable where Go's sort.Sort is not: equal keys keep matchLabels before expressions.
  requirements.sort((a, b) => byteOrder(a.key, b.key));
  return requirements.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: the selector string, "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(selector: unknown): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}
