/**
 * The JSONPath dialect of k8s.io/client-go/util/jsonpath, as far as CRD
 * additionalPrinterColumns and `kubectl -o jsonpath` expressions use it: `.a.b`, escaped
 * dots (`.labels.app\.kubernetes\.io/name`), `['key']`, `[0]`, `[-1]`, `[1:3]`, `[*]`,
 * `.*`, `..name`, and filters `[?(@.type=="Ready")]` with == != < > <= >= or bare existence.
 *
 * Evaluation follows upstream with AllowMissingKeys(true) (what the CRD table convertor
 * sets): a missing key yields no result, while an index out of range, a filter on a
 * non-list or a comparison of incompatible types is an error.
 */

export class JsonPathError extends Error {
  override readonly name = 'JsonPathError';
}

type CompareOp = '==' | '!=' | '<' | '>' | '<=' | '>=';

type Operand = { kind: 'literal'; value: string | number | boolean; float: boolean } | { kind: 'path'; path: JsonPath };

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | { kind: 'slice'; start?: number; end?: number; step?: number; single: boolean }
  | { kind: 'filter'; left: JsonPath; op: CompareOp | 'exists'; right?: Operand };

/** A parsed expression; `fromRoot` marks `$...` paths, which inside a filter still start at the document. */
export interface JsonPath {
  readonly source: string;
  readonly fromRoot: boolean;
  readonly steps: readonly Step[];
}

const TERMINATORS = new Set(['.', ',', '[', ']', '$', '@', '{', '}', ' ', '\t', '\n', '\r']);

class Parser {
  private pos = 0;
  fromRoot = false;
  constructor(private readonly text: string) {}

  parse(): Step[] {
    const steps: Step[] = [];
    const t = this.text;
    if (t[this.pos] === '$') this.fromRoot = true;
    if (t[this.pos] === '$' || t[this.pos] === '@') this.pos++;
    while (this.pos < t.length) {
      const ch = t[this.pos]!;
      if (t.startsWith('..', this.pos)) {
        this.pos += 2;
        steps.push({ kind: 'recursive' });
        if (t[this.pos] !== '[') steps.push(this.field());
      } else if (ch === '.') {
        this.pos++;
        if (this.pos >= t.length) break; // "." alone names the current object
        steps.push(this.field());
      } else if (ch === '[') {
        steps.push(this.bracket());
      } else {
        throw new JsonPathError(`unrecognized character in action: ${JSON.stringify(ch)} at ${this.pos} in ${JSON.stringify(t)}`);
      }
    }
    return steps;
  }

  private field(): Step {
    const t = this.text;
    let name = '';
    while (this.pos < t.length && !TERMINATORS.has(t[this.pos]!)) {
      // A backslash escapes the next character (a dot inside a label key, usually).
      if (t[this.pos] === '\\' && this.pos + 1 < t.length) this.pos++;
      name += t[this.pos];
      this.pos++;
    }
    if (name === '') throw new JsonPathError(`missing field name at ${this.pos} in ${JSON.stringify(t)}`);
    return name === '*' ? { kind: 'wildcard' } : { kind: 'field', name };
  }

  private bracket(): Step {
    const t = this.text;
    this.pos++; // [
    if (t.startsWith('?(', this.pos)) return this.filter();
    const close = this.closingBracket();
    const inner = t.slice(this.pos, close).trim();
    this.pos = close + 1;
    if (inner === '*') return { kind: 'wildcard' };
    const quoted = /^(['"])(.*)\1$/s.exec(inner);
    if (quoted) return { kind: 'field', name: quoted[2]! };
    const parts = inner.split(':');
    if (parts.length > 3 || parts.some((p) => p.trim() !== '' && !/^-?\d+$/.test(p.trim()))) {
      throw new JsonPathError(`invalid array index ${JSON.stringify(inner)} in ${JSON.stringify(t)}`);
    }
    const num = (s: string | undefined): number | undefined => (s === undefined || s.trim() === '' ? undefined : Number(s));
    if (parts.length === 1) {
      if (num(parts[0]) === undefined) throw new JsonPathError(`invalid array index "" in ${JSON.stringify(t)}`);
      return { kind: 'slice', start: num(parts[0]), single: true };
    }
    return { kind: 'slice', start: num(parts[0]), end: num(parts[1]), step: num(parts[2]), single: false };
  }

  /** The `]` closing the current bracket, skipping quoted text. */
  private closingBracket(): number {
    const t = this.text;
    let quote: string | undefined;
    for (let i = this.pos; i < t.length; i++) {
      const ch = t[i]!;
      if (quote) {
        if (ch === quote && t[i - 1] !== '\\') quote = undefined;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === ']') return i;
    }
    throw new JsonPathError(`unterminated array in ${JSON.stringify(t)}`);
  }

  private filter(): Step {
    const t = this.text;
    this.pos += 2; // ?(
    let quote: string | undefined;
    let end = -1;
    for (let i = this.pos; i < t.length; i++) {
      const ch = t[i]!;
      if (quote) {
        if (ch === quote && t[i - 1] !== '\\') quote = undefined;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === ')') {
        end = i;
        break;
      }
    }
    if (end < 0 || t[end + 1] !== ']') throw new JsonPathError(`unterminated filter in ${JSON.stringify(t)}`);
    const body = t.slice(this.pos, end).trim();
    this.pos = end + 2;
    const m = /^([^!<>=]+?)\s*(==|!=|<=|>=|<|>)\s*(.+)$/s.exec(body);
    if (!m) return { kind: 'filter', left: parseJsonPath(body), op: 'exists' };
    return { kind: 'filter', left: parseJsonPath(m[1]!.trim()), op: m[2] as CompareOp, right: operand(m[3]!.trim()) };
  }
}

function operand(text: string): Operand {
  const quoted = /^(['"])(.*)\1$/s.exec(text);
  if (quoted) return { kind: 'literal', value: quoted[2]!.replace(/\\(.)/g, '$1'), float: false };
  if (text === 'true' || text === 'false') return { kind: 'literal', value: text === 'true', float: false };
  if (/^-?\d+$/.test(text)) return { kind: 'literal', value: Number(text), float: false };
  if (/^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(text)) return { kind: 'literal', value: Number(text), float: true };
  if (text.startsWith('@') || text.startsWith('$') || text.startsWith('.')) return { kind: 'path', path: parseJsonPath(text) };
  throw new JsonPathError(`unrecognized filter operand ${JSON.stringify(text)}`);
}

/** Parses one expression, with or without the `{...}` braces kubectl's templates use. */
export function parseJsonPath(source: string): JsonPath {
  let text = source.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim();
  if (text === '') throw new JsonPathError('empty JSONPath expression');
  const parser = new Parser(text);
  const steps = parser.parse();
  return { source, fromRoot: parser.fromRoot, steps };
}

function isList(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function sliceOf(list: unknown[], step: Extract<Step, { kind: 'slice' }>): unknown[] {
  const len = list.length;
  let start = step.start ?? 0;
  if (start < 0) start += len;
  if (step.single) {
    if (start < 0 || start >= len) throw new JsonPathError(`array index out of bounds: index ${start}, length ${len}`);
    return [list[start]];
  }
  let end = step.end ?? len;
  if (end < 0) end += len;
  if (start === end) return [];
  if (start < 0 || start >= len || end < 0 || end > len) throw new JsonPathError(`array index out of bounds: index ${start}, length ${len}`);
  if (start > end) throw new JsonPathError(`starting index ${start} is greater than ending index ${end}`);
  const stride = step.step ?? 1;
  if (stride <= 0) throw new JsonPathError(`step must be > 0`);
  const out: unknown[] = [];
  for (let i = start; i < end; i += stride) out.push(list[i]);
  return out;
}

/** Every value below `v` (itself included), depth first, as evalRecursive walks. */
function descendants(v: unknown): unknown[] {
  const out: unknown[] = [v];
  const children = isList(v) ? v : isMap(v) ? Object.values(v) : [];
  for (const c of children) out.push(...descendants(c));
  return out;
}

type Kind = 'int' | 'float' | 'string' | 'bool';

function kindOf(v: unknown, float = false): Kind {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return float || !Number.isInteger(v) ? 'float' : 'int';
  throw new JsonPathError(`invalid type for comparison`);
}

/** text/template's eq/lt semantics: ints, floats, strings and bools compare only with their own kind. */
function compare(op: CompareOp, left: unknown, right: unknown, rightFloat: boolean): boolean {
  const lk = kindOf(left);
  const rk = kindOf(right, rightFloat);
  if (lk !== rk) throw new JsonPathError('incompatible types for comparison');
  if (op === '==') return left === right;
  if (op === '!=') return left !== right;
  if (lk === 'bool') throw new JsonPathError('invalid type for comparison');
  const l = left as number | string;
  const r = right as number | string;
  switch (op) {
    case '<':
      return l < r;
    case '>':
      return l > r;
    case '<=':
      return l <= r;
    case '>=':
      return l >= r;
  }
}

function applyFilter(input: unknown[], step: Extract<Step, { kind: 'filter' }>, root: unknown): unknown[] {
  const out: unknown[] = [];
  for (const v of input) {
    if (!isList(v)) throw new JsonPathError('object is not array or slice and cannot be filtered');
    for (const item of v) {
      const lefts = evaluate(step.left, item, root);
      if (lefts.length === 0) continue;
      if (lefts.length > 1) throw new JsonPathError('can only compare one element at a time');
      if (step.op === 'exists') {
        out.push(item);
        continue;
      }
      const right = step.right!;
      let rightValue: unknown;
      let rightFloat = false;
      if (right.kind === 'literal') {
        rightValue = right.value;
        rightFloat = right.float;
      } else {
        const rights = evaluate(right.path, item, root);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new JsonPathError('can only compare one element at a time');
        rightValue = rights[0];
      }
      if (compare(step.op, lefts[0], rightValue, rightFloat)) out.push(item);
    }
  }
  return out;
}

function evaluate(path: JsonPath, data: unknown, root: unknown): unknown[] {
  let current: unknown[] = [path.fromRoot ? root : data];
  let recursive = false;
  for (const step of path.steps) {
    if (step.kind === 'recursive') {
      recursive = true;
      continue;
    }
    const input = recursive ? current.flatMap(descendants) : current;
    recursive = false;
    switch (step.kind) {
      case 'field':
        current = input.filter(isMap).flatMap((m) => (Object.hasOwn(m, step.name) ? [m[step.name]] : []));
        break;
      case 'wildcard':
        current = input.flatMap((v) => (isList(v) ? v : isMap(v) ? Object.values(v) : []));
        break;
      case 'slice':
        current = input.flatMap((v) => {
          if (!isList(v)) throw new JsonPathError('object is not array or slice');
          return sliceOf(v, step);
        });
        break;
      case 'filter':
        current = applyFilter(input, step, root);
        break;
    }
  }
  return current;
}

/** Every value the expression selects in `data`, in document order; throws JsonPathError. */
export function findResults(path: JsonPath, data: unknown): unknown[] {
  return evaluate(path, data, data);
}
