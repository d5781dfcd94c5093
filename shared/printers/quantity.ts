/**
 * resource.Quantity's canonical string (Quantity.String), the form kube prints capacities,
 * quota usage and metric values in: "1Gi" for 1024Mi, "1k" for 1000, "500m" for 0.5.
 * Exact arithmetic on BigInt; values are rounded up to nano precision as ParseQuantity does.
 */

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));

/** An exact decimal: unscaled × 10^scale. */
interface Parsed {
  unscaled: bigint;
  scale: number;
  format: Format;
}

const TEN = 10n;

function pow10(n: number): bigint {
  return TEN ** BigInt(n);
}

function parseQuantity(input: string): Parsed | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*[-+]?\d*)$/.exec(input.trim());
  if (!m) return undefined;
  const [, sign = '', whole = '', fraction = '', suffix = ''] = m;
  if (whole === '' && fraction === '') return undefined;
  let digits = BigInt(`${whole}${fraction}` || '0');
  if (sign === '-') digits = -digits;
  let unscaled: bigint;
  let scale: number;
  let format: Format;
  if (suffix in DECIMAL_SUFFIXES) {
    format = 'DecimalSI';
    unscaled = digits;
    scale = DECIMAL_SUFFIXES[suffix]! - fraction.length;
  } else if (suffix in BINARY_SUFFIXES) {
    format = 'BinarySI';
    // n/10^f × 2^k stays a finite decimal: keep it unscaled at scale -f.
    unscaled = digits * 2n ** BigInt(BINARY_SUFFIXES[suffix]!);
    scale = -fraction.length;
  } else if (/^[eE][-+]?\d+$/.test(suffix)) {
    format = 'DecimalExponent';
    unscaled = digits;
    scale = Number(suffix.slice(1)) - fraction.length;
  } else {
    return undefined;
  }
  // Anything finer than nano rounds away from zero, as inf.RoundUp does.
  if (scale < -9) {
    const divisor = pow10(-9 - scale);
    const q = unscaled / divisor;
    unscaled = unscaled % divisor === 0n ? q : q + (unscaled < 0n ? -1n : 1n);
    scale = -9;
  }
  return { unscaled, scale, format };
}

function removeFactors(value: bigint, factor: bigint): [bigint, number] {
  let v = value;
  let times = 0;
  while (v !== 0n && v % factor === 0n) {
    v /= factor;
    times++;
  }
  return [v, times];
}

function canonical(q: Parsed): string {
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  let integer: bigint | undefined;
  if (format === 'BinarySI') {
    const abs = q.unscaled < 0n ? -q.unscaled : q.unscaled;
    const exactInteger = q.scale >= 0 || q.unscaled % pow10(-q.scale) === 0n;
    // Small or fractional binary quantities print in decimal rather than round.
    if (!exactInteger || (q.scale >= 0 ? abs * pow10(q.scale) : abs / pow10(-q.scale)) < 1024n) format = 'DecimalSI';
    else integer = q.scale >= 0 ? q.unscaled * pow10(q.scale) : q.unscaled / pow10(-q.scale);
  }
  if (format === 'BinarySI' && integer !== undefined) {
    let [amount, exp] = removeFactors(integer, 1024n);
    while (exp > 6) {
      amount *= 1024n;
      exp--;
    }
    return `${amount}${BINARY_BY_EXPONENT.get(exp * 10) ?? ''}`;
  }
  let [amount, times] = removeFactors(q.unscaled, TEN);
  let exponent = q.scale + times;
  while (exponent % 3 !== 0) {
    amount *= TEN;
    exponent--;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  while (exponent > 18) {
    amount *= 1000n;
    exponent -= 3;
  }
  return `${amount}${DECIMAL_BY_EXPONENT.get(exponent) ?? ''}`;
}

/**
 * Quantity.String() of a stored quantity (a JSON string or number); "0" for an unset one,
 * as Go's zero Quantity prints. A string that does not parse is shown as stored.
 */
export function formatQuantity(value: unknown): string {
  if (value === undefined || value === null) return '0';
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const parsed = parseQuantity(text);
  return parsed ? canonical(parsed) : text;
}
