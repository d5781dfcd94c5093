import type { Context, MiddlewareHandler } from 'hono';

/**
 * Warnings of the request being served, sent as `Warning: 299 - "<text>"` headers, which
 * kubectl prints as `Warning: <text>` (kube-apiserver's warning.AddWarning). Keyed by the
 * request object, so no handler needs to thread a list through.
 */
const pending = new WeakMap<Request, string[]>();

/** Adds a warning to the response of the request `c` serves; the same text is sent once. */
export function addWarning(c: Context, text: string): void {
  const list = pending.get(c.req.raw) ?? [];
  if (!list.includes(text)) list.push(text);
  pending.set(c.req.raw, list);
}

/** RFC 7234 warn-text: a quoted string with `"` and `\` escaped, as upstream's NewWarningHeader. */
export function warningHeaderValue(text: string): string {
  return `299 - "${text.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

/** Writes the warnings added while the request was handled onto its response. */
export function warningHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const list = pending.get(c.req.raw);
    if (!list?.length) return;
    let res = c.res;
    try {
      for (const w of list) res.headers.append('Warning', warningHeaderValue(w));
    } catch {
      // A response whose headers are immutable (one passed through from fetch): copy it.
      res = new Response(c.res.body, c.res);
      for (const w of list) res.headers.append('Warning', warningHeaderValue(w));
      c.res = res;
    }
  };
}
