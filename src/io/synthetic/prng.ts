// Seeded randomness for the synthetic market: xoshiro128** streams (Blackman & Vigna, "Scrambled
// linear pseudorandom number generators", 2018) seeded through splitmix32, the Marsaglia polar
// normal sampler, and a counter-based hash (MurmurHash3's 32-bit mixing) for per-minute decisions
// that must not depend on how the simulation is chunked. No Math.random anywhere.

const TWO32 = 4294967296;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** MurmurHash3's 32-bit finaliser: a bijective avalanche of one word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One MurmurHash3 block step: mixes word k into running hash h. */
function murmurStep(h: number, k: number): number {
  k = Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
  return (Math.imul(rotl(h ^ k, 13), 5) + 0xe6546b64) | 0;
}

/** A well-mixed 32-bit key of a (non-negative, < 2^53) integer seed. */
export function seedKey(seed: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO32) >>> 0;
  return fmix32(murmurStep(murmurStep(0x3c6ef372, lo), hi));
}

/** Hash of (key, a, b) as a uniform number in [0, 1): the same inputs give the same value. */
export function hashUniform(key: number, a: number, b: number): number {
  return fmix32(murmurStep(murmurStep(key, a), b) ^ 8) / TWO32;
}

/** xoshiro128** with a cached second normal from the polar method; all state lives in the object. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  /** Stream `stream` of seed key `key` (streams of one key are seeded independently by splitmix32). */
  constructor(key: number, stream: number) {
    let x = murmurStep(key, stream + 1);
    const next = () => {
      // splitmix32 (the 32-bit variant of Steele, Lea & Flood's SplitMix)
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) | 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the one forbidden state
  }

  /** Next 32-bit output as an unsigned integer. */
  nextU32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform in the open interval (0, 1) (safe for log). */
  uniform(): number {
    return (this.nextU32() + 0.5) / TWO32;
  }

  /** Standard normal (Marsaglia & Bray polar method; the second variate is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }
}
