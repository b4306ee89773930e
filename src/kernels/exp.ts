// e^x equal to Math.exp bit for bit, about a third cheaper where the HMM needs most of its exponentials.
// Node's Math.exp (V8's base::ieee754::exp) is fdlibm's e_exp.c, called out of the optimised code as a C
// function; for x in (−700, −½ ln 2] the same operations written here in JavaScript are inlined instead
// (test/kernels/exp.test.ts compares both). Every other x (near 0, deep underflow, NaN) goes to Math.exp.
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
/** fdlibm reduces with k when the high word of |x| exceeds 0x3FD62E42 (|x| > ½ ln 2) … */
const REDUCE = -fromHighWord(0x3fd62e43);
/** … with k = −1 directly while it is below 0x3FF0A2B2 (|x| < 1.5 ln 2). */
const ONE_STEP = -fromHighWord(0x3ff0a2b2);
const LOWEST = -700;
/** 2^k for k = −1023 … 0 at index k + 1023. */
const POW2 = Float64Array.from({ length: 1024 }, (_, i) => 2 ** (i - 1023));

/** Math.exp(x), bit for bit. */
export function exp(x: number): number {
  if (!(x <= REDUCE && x > LOWEST)) return Math.exp(x);
  let hi: number, lo: number, k: number;
  if (x > ONE_STEP) {
    hi = x + LN2_HI;
    lo = -LN2_LO;
    k = -1;
  } else {
    k = Math.trunc(INV_LN2 * x - 0.5); // C's (int) cast
    hi = x - k * LN2_HI;
    lo = k * LN2_LO;
  }
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  return (1 - (lo - (r * c) / (2 - c) - hi)) * POW2[k + 1023]!;
}
