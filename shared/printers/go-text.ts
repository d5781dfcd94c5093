/**
 * How Go renders decoded JSON values as text, for printers that must match byte for byte:
 * fmt's %v for scalars and encoding/json for objects and lists (sorted keys, HTML-safe).
 */

/** %v of a float64: shortest digits, exponent form below 1e-4 or from 1e6 (Go's %g rule). */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa = '', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/**
 * Unstructured JSON keeps whole numbers as int64 and the rest as float64; each prints
 * its own way (%v of an int64 is plain decimal).
 */
export function goNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? BigInt(n).toString() : goFloat(n);
}

const HTML_UNSAFE: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** encoding/json.Marshal: map keys sorted, <, > and & escaped for HTML. */
export function goJson(v: unknown): string {
  const sortKeys = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortKeys);
    if (x !== null && typeof x === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = sortKeys((x as Record<string, unknown>)[k]);
      return out;
    }
    return x;
  };
  return JSON.stringify(sortKeys(v)).replace(/[<>&\u2028\u2029]/g, (c) => HTML_UNSAFE[c]!);
}

/** jsonpath's PrintResults of one value: JSON for objects and lists, %v otherwise. */
export function goPrint(v: unknown): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'object') return goJson(v);
  if (typeof v === 'number') return goNumber(v);
  return String(v);
}
