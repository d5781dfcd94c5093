/**
 * Duplicate keys in a request body. JSON.parse (and YAML loaders told to allow them) keep the
 * last value silently, so the only place a duplicate is visible is the text itself; upstream's
 * strict decoder reports each one by path (`duplicate field "metadata.name"`).
 */
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { childPath } from './field-validation.js';

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

interface ObjectFrame {
  kind: 'object';
  path: string;
  keys: Set<string>;
  /** The path of the member whose value comes next. */
  next: string;
}
interface ArrayFrame {
  kind: 'array';
  path: string;
  index: number;
}

/**
 * Paths of the keys that appear more than once in their object, in document order, in a JSON
 * text that is already known to parse. One pass over the text; nothing is built but the paths.
 */
export function duplicateJsonFields(text: string): string[] {
  const out: string[] = [];
  const stack: Array<ObjectFrame | ArrayFrame> = [];
  // The path the next value will have: '' at the top.
  let valuePath = '';
  let expectKey = false;
  let i = 0;
  const n = text.length;

  const readString = (): string => {
    const start = i; // at the opening quote
    i++;
    let escaped = false;
    while (i < n) {
      const ch = text[i]!;
      if (ch === '\\') {
        escaped = true;
        i += 2;
        continue;
      }
      if (ch === '"') break;
      i++;
    }
    i++; // past the closing quote
    const raw = text.slice(start, i);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };

  const startValue = (): string => {
    const top = stack[stack.length - 1];
    if (top?.kind === 'array') return `${top.path}[${top.index}]`;
    return valuePath;
  };

  while (i < n) {
    const ch = text[i]!;
    if (WHITESPACE.has(ch)) {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (ch === '{') {
      stack.push({ kind: 'object', path: startValue(), keys: new Set(), next: '' });
      expectKey = true;
      i++;
    } else if (ch === '[') {
      stack.push({ kind: 'array', path: startValue(), index: 0 });
      i++;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      i++;
    } else if (ch === ',') {
      if (top?.kind === 'array') top.index++;
      else expectKey = true;
      i++;
    } else if (ch === ':') {
      i++;
    } else if (ch === '"') {
      if (expectKey && top?.kind === 'object') {
        const key = readString();
        const path = childPath(top.path, key);
        if (top.keys.has(key)) out.push(path);
        else top.keys.add(key);
        valuePath = path;
        expectKey = false;
      } else {
        readString();
      }
    } else {
      // A number, true, false or null: skip to the next delimiter.
      while (i < n && !WHITESPACE.has(text[i]!) && text[i] !== ',' && text[i] !== '}' && text[i] !== ']') i++;
    }
  }
  return out;
}

function yamlKey(node: unknown): string | undefined {
  if (isScalar(node)) return String(node.value);
  return undefined;
}

function walkYaml(node: YamlNode | null | undefined, path: string, out: string[]): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = yamlKey(pair.key);
      if (key === undefined) continue;
      const at = childPath(path, key);
      if (seen.has(key)) out.push(at);
      else seen.add(key);
      walkYaml(pair.value as YamlNode | null, at, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => walkYaml(item as YamlNode | null, `${path}[${i}]`, out));
  }
}

/** Paths of repeated keys in a YAML document, in document order. */
export function duplicateYamlFields(text: string): string[] {
  const doc = parseDocument(text, { uniqueKeys: false });
  const out: string[] = [];
  walkYaml(doc.contents, '', out);
  return out;
}
