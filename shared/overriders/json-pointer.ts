/** RFC 6901 JSON pointers over plain JSON values (no I/O, no prototype walking). */

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The reference tokens of a pointer; undefined when it is neither '' nor starts with '/'. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((t) => '/' + escapePointerToken(t)).join('');
}

const arrayIndex = /^(0|[1-9][0-9]*)$/;

export type PointerLookup = { found: true; value: unknown } | { found: false; reason: string };

/** The value a pointer names in `doc`, or why there is none (in words, naming the first missing step). */
export function getByPointer(doc: unknown, pointer: string): PointerLookup {
  const tokens = parsePointer(pointer);
  if (!tokens) return { found: false, reason: 'is not a JSON pointer (it must start with "/")' };
  let current: unknown = doc;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const at = formatPointer(tokens.slice(0, i + 1));
    if (Array.isArray(current)) {
      if (!arrayIndex.test(token) || Number(token) >= current.length) return { found: false, reason: `${at} does not exist` };
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object') {
      if (!Object.prototype.hasOwnProperty.call(current, token)) return { found: false, reason: `${at} does not exist` };
      current = (current as Record<string, unknown>)[token];
    } else {
      return { found: false, reason: `${formatPointer(tokens.slice(0, i)) || 'the document'} is not an object or a list` };
    }
  }
  return { found: true, value: current };
}
