/**
 * resource.Quantity, read exactly: the value in nano-units as a bigint, so "1Gi", "1073741824"
 * and "1024Mi" compare equal and int64's maximum survives. Returns undefined for strings
 * kube would not parse.
 */

const NANO = 9;

const binary: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

const decimalExp: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const pattern = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

export function parseQuantity(q: string | number): bigint | undefined {
  const s = typeof q === 'number' ? String(q) : q.trim();
  const m = pattern.exec(s);
  if (!m) return undefined;
  const [, sign, whole = '', frac = '', exp, suffix = ''] = m;
  if (whole === '' && frac === '') return undefined;
  // digits as an integer with `scale` digits after the point
  let digits = BigInt(`${whole}${frac}` || '0');
  let scale = frac.length;
  let multiplier = 1n;
  if (exp) scale -= Number(exp.slice(1));
  else if (suffix in binary) multiplier = binary[suffix]!;
  else scale -= decimalExp[suffix] ?? 0;
  digits *= multiplier;
  // to nano-units: shift by NANO - scale decimal places
  const shift = NANO - scale;
  const nanos = shift >= 0 ? digits * 10n ** BigInt(shift) : digits / 10n ** BigInt(-shift);
  return sign === '-' ? -nanos : nanos;
}
