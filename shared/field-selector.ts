import { ApiError } from './status.js';

/** One field requirement: kube field selectors support only =, == and !=. */
export interface FieldRequirement {
  field: string;
  op: 'eq' | 'neq';
  value: string;
}

/** Parses `metadata.name=x,status.phase!=Running`. Backslash escapes `\,` `\=` `\\` as upstream. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const s = selector.trim();
  if (s === '') return [];
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1];
      i++;
    } else if (ch === ',') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => {
    const m = p.match(/^((?:[^=!\\]|\\.)+?)\s*(==|=|!=)\s*((?:[^\\]|\\.)*)$/);
    if (!m) throw new ApiError(400, 'BadRequest', `invalid field selector: '${p}': expected an operator (=, == or !=)`);
    return {
      field: m[1]!.trim(),
      op: m[2] === '!=' ? 'neq' : 'eq',
      value: m[3]!.replace(/\\(.)/g, '$1'),
    };
  });
}

export function matchesFields(fields: Record<string, string> | undefined, reqs: FieldRequirement[]): boolean {
  const f = fields ?? {};
  return reqs.every((r) => {
    const v = f[r.field] ?? '';
    return r.op === 'eq' ? v === r.value : v !== r.value;
  });
}

/**
 * Refuses selectors on fields the resource does not index, with kube-apiserver's wording,
 * rather than silently matching nothing.
 */
export function checkSelectableFields(reqs: FieldRequirement[], allowed: readonly string[], resource: string): void {
  for (const r of reqs) {
    if (!allowed.includes(r.field)) {
      throw new ApiError(400, 'BadRequest', `field label not supported: ${r.field} (${resource} supports: ${allowed.join(', ')})`);
    }
  }
}
