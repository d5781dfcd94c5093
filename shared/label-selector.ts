import { z } from 'zod';
import { ApiError } from './status.js';

/** metav1.LabelSelector as it appears in manifests (Karmada's resourceSelectors use it too). */
export const labelSelectorSchema = z.object({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.object({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
export type LabelSelector = z.infer<typeof labelSelectorSchema>;

export type Operator = 'in' | 'notin' | 'exists' | '!exists' | 'gt' | 'lt';

/** One parsed requirement. `=`/`==` become `in` with one value and `!=` `notin`, as upstream does. */
export interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

const keyPattern = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function invalid(selector: string, why: string): ApiError {
  return new ApiError(400, 'BadRequest', `unable to parse requirement: ${why} (in label selector "${selector}")`);
}

function checkKey(selector: string, key: string): string {
  if (!keyPattern.test(key) || key.length > 317) {
    throw invalid(selector, `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  }
  return key;
}

function checkValue(selector: string, value: string): string {
  if (value.length > 63 || !valuePattern.test(value)) {
    throw invalid(selector, `invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  }
  return value;
}

/** Splits on commas that are not inside an `in (...)` value list. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/** Parses kube's label selector string syntax (`a=b,c!=d,e in (x,y),!f,g`). Empty matches everything. */
export function parseLabelSelector(selector: string): Requirement[] {
  const trimmed = selector.trim();
  if (trimmed === '') return [];
  const reqs: Requirement[] = [];
  for (const raw of splitTopLevel(trimmed)) {
    const part = raw.trim();
    if (part === '') throw invalid(selector, 'found \'\', expected: identifier');
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^(\S+)\s+(in|notin)\s*\((.*)\)$/))) {
      const values = m[3]!
        .split(',')
        .map((v) => v.trim())
        .map((v) => checkValue(selector, v));
      if (m[3]!.trim() === '' ) throw invalid(selector, 'for \'in\', \'notin\' operators, values set can\'t be empty');
      reqs.push({ key: checkKey(selector, m[1]!), op: m[2] as 'in' | 'notin', values });
    } else if ((m = part.match(/^([^=!<>\s]+)\s*(==|=|!=)\s*(.*)$/))) {
      const value = checkValue(selector, m[3]!.trim());
      reqs.push({ key: checkKey(selector, m[1]!), op: m[2] === '!=' ? 'notin' : 'in', values: [value] });
    } else if ((m = part.match(/^([^=!<>\s]+)\s*(<|>)\s*(.*)$/))) {
      const n = m[3]!.trim();
      if (!/^-?\d+$/.test(n)) throw invalid(selector, `for 'Gt', 'Lt' operators, the value must be an integer`);
      reqs.push({ key: checkKey(selector, m[1]!), op: m[2] === '>' ? 'gt' : 'lt', values: [n] });
    } else if ((m = part.match(/^!\s*(\S+)$/))) {
      reqs.push({ key: checkKey(selector, m[1]!), op: '!exists', values: [] });
    } else if (/^\S+$/.test(part)) {
      reqs.push({ key: checkKey(selector, part), op: 'exists', values: [] });
    } else {
      throw invalid(selector, `unexpected requirement "${part}"`);
    }
  }
  return reqs;
}

/** Converts a metav1.LabelSelector object to requirements; `undefined` selects nothing, `{}` everything (as upstream). */
export function requirementsFromSelector(sel: LabelSelector): Requirement[] {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    reqs.push({ key, op: 'in', values: [value] });
  }
  for (const e of sel.matchExpressions ?? []) {
    const op: Operator =
      e.operator === 'In' ? 'in' : e.operator === 'NotIn' ? 'notin' : e.operator === 'Exists' ? 'exists' : '!exists';
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return reqs;
}

export function matchesRequirement(labels: Record<string, string>, r: Requirement): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'in':
      return has && r.values.includes(v!);
    case 'notin':
      return !has || !r.values.includes(v!);
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(v!)) return false;
      const a = Number(v);
      const b = Number(r.values[0]);
      return r.op === 'gt' ? a > b : a < b;
    }
  }
}

export function matchesLabels(labels: Record<string, string> | undefined, reqs: Requirement[]): boolean {
  const l = labels ?? {};
  return reqs.every((r) => matchesRequirement(l, r));
}

/** Convenience for callers holding a LabelSelector object (policies, spread constraints). */
export function labelSelectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  return matchesLabels(labels, requirementsFromSelector(sel));
}
