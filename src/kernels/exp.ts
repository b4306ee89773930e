// e^x equal to Math.exp bit for bit, cheaper where the HMM needs its exponentials (x ≤ 0). Node's Math.exp
// (V8's base::ieee754::exp) is fdlibm's e_exp.c, called out of the optimised code as a C function; for x in
// (−700, 0] the same operations written here in JavaScript are inlined instead (test/kernels/exp.test.ts
// compares both). Every other x (positive, deep underflow, NaN) goes to Math.exp.
//
// fdlibm: x = k ln2 + r with |r| ≤ ½ ln 2, r = hi − lo (ln2 split in two parts, so k·ln2HI is exact);
// e^r = 1 − ((lo − r·c / (2 − c)) − hi) with c = r − r²·P(r²) (a Remez polynomial of degree 5);
// e^x = 2^k e^r (2^k exact: k ≥ −1010 here, so the result is a normal number).

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;

/** The double whose high 32 bits are `hi` and low 32 bits 0 (fdlibm states its thresholds as high words). */
function fromHighWord(hi: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint32(0, hi);
  return v.getFloat64(0);
}
/** fdlibm returns 1 + x when the high word of |x| is below 0x3E300000 (|x| < 2⁻²⁸), … */
const TINY = -fromHighWord(0x3e300000);
/** and takes k = 0 up to 0x3FD62E42 (|x| ≤ ½ ln 2). */
const REDUCE = -fromHighWord(0x3fd62e43);
const LOWEST = -700;
/** 2^k for k = −1023 … 0 at index k + 1023. */
const POW2 = Float64Array.from({ length: 1024 }, (_, i) => 2 ** (i - 1023));

/** Math.exp(x), bit for bit. */
export function exp(x: number): number {
  if (!(x <= 0 && x > LOWEST)) return Math.exp(x);
  if (x > TINY) return 1 + x;
  // fdlibm's k = 0 and k = −1 branches are this formula's results there, bit for bit (for k = 0: hi = x,
  // lo = 0, and 0 − q / (2 − c) = q / (c − 2)); only the bound of k = 0 must be fdlibm's.
  const reduced = Math.trunc(INV_LN2 * x - 0.5); // C's (int) cast
  const k = x > REDUCE ? 0 : reduced; // computed before the test: measured faster than under it
  const hi = x - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  return (1 - (lo - (r * c) / (2 - c) - hi)) * POW2[k + 1023]!;
}
