// Byte-level field parsing of ASCII text (no string per field on the fast path).

const ZERO = 48;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
const QUOTE = 34;

/** 10^k for k = 0..22: exact in float64. */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Latin-1 text of bytes [s, e) (for messages and slow paths only). */
export function text(b: Uint8Array, s: number, e: number): string {
  return Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1');
}

function isBlank(c: number | undefined): boolean {
  return c === 32 || c === 9;
}

/** Start of the field [s, e) without leading blanks and an opening double quote matched at the end. */
export function fieldStart(b: Uint8Array, s: number, e: number): number {
  while (s < e && isBlank(b[s])) s++;
  while (e > s && isBlank(b[e - 1])) e--;
  return e - s >= 2 && b[s] === QUOTE && b[e - 1] === QUOTE ? s + 1 : s;
}

/** End of the field [s, e) without trailing blanks and a closing double quote matched at the start. */
export function fieldEnd(b: Uint8Array, s: number, e: number): number {
  while (s < e && isBlank(b[s])) s++;
  while (e > s && isBlank(b[e - 1])) e--;
  return e - s >= 2 && b[s] === QUOTE && b[e - 1] === QUOTE ? e - 1 : e;
}

/** Text of the field [s, e) without surrounding blanks and quotes. */
export function fieldText(b: Uint8Array, s: number, e: number): string {
  return text(b, fieldStart(b, s, e), fieldEnd(b, s, e));
}

/** Unsigned integer of the digits [s, e), or −1 if any byte is not a digit or the range is empty. */
export function parseDigits(b: Uint8Array, s: number, e: number): number {
  if (s >= e) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = b[i]! - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const DECIMAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE_RE = /^([+-]?)(nan|inf|infinity)$/i;

/**
 * The value of a decimal field [s, e) (optional sign, digits, point, exponent; surrounding blanks and
 * quotes allowed), or NaN if it is not one. Equal to Number(text): with ≤ 15 significant digits the
 * mantissa m and 10^k are exact in float64, so the IEEE quotient m / 10^k is the correctly rounded
 * value; longer or exponent forms go through Number().
 */
export function parseDecimal(b: Uint8Array, s: number, e: number): number {
  let from = s;
  let to = e;
  while (from < to && isBlank(b[from])) from++;
  while (to > from && isBlank(b[to - 1])) to--;
  if (to - from >= 2 && b[from] === QUOTE && b[to - 1] === QUOTE) {
    from++;
    to--;
  }
  let i = from;
  let neg = false;
  if (i < to && (b[i] === MINUS || b[i] === PLUS)) neg = b[i++] === MINUS;
  let m = 0;
  let digits = 0; // significant digits in m
  let frac = 0;
  let seen = false;
  let point = false;
  for (; i < to; i++) {
    const c = b[i]!;
    const d = c - ZERO;
    if (d >= 0 && d <= 9) {
      seen = true;
      if (m !== 0 || d !== 0) digits++;
      m = m * 10 + d;
      if (point) frac++;
    } else if (c === DOT && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (i === to && seen && digits <= 15 && frac <= 22) {
    const v = m / POW10[frac]!;
    return neg ? -v : v;
  }
  const str = text(b, from, to);
  return DECIMAL_RE.test(str) ? Number(str) : NaN;
}

/**
 * For a field that parseDecimal rejected: NaN or ±Infinity if it spells a non-finite number
 * ("NaN", "inf", "-Infinity" …: a bad price), else undefined (a malformed field).
 */
export function parseNonFinite(b: Uint8Array, s: number, e: number): number | undefined {
  const m = NON_FINITE_RE.exec(fieldText(b, s, e));
  if (!m) return undefined;
  if (m[2]!.toLowerCase() === 'nan') return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}
