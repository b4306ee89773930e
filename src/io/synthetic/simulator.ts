// The synthetic market as a resumable simulation: eight latent currency log-values step once per open
// minute; each requested pair's bar is derived from them. All state (latents, volatilities, random
// streams) lives in the object, so advancing in any chunks gives the same bars as one long run, and
// each pair draws from its own stream, so a subset of pairs gets the same bars as the full market.
import { CURRENCIES, pairInfo } from '../../core/currencies.ts';
import { MINUTE_MS } from '../../core/time.ts';
import { allocBars, type Bars } from '../../core/types.ts';
import { tradingWeek } from './calendar.ts';
import { currencyModel, DYNAMICS, pairModel, type CurrencyModel } from './model.ts';
import { hashUniform, Rng, seedKey } from './prng.ts';

const NC = CURRENCIES.length;
/** Mean range of a Brownian motion over unit time with unit variance: 2√(2/π) ≈ 1.596 (Feller 1951). */
const MEAN_RANGE = 2 * Math.sqrt(2 / Math.PI);

export class MarketSimulator {
  /** Canonical names of the generated pairs, in the order requested. */
  readonly pairs: readonly string[];
  private cursor: number;
  private lastMinute = NaN; // the last simulated minute, in minutes since the epoch (NaN before the first)
  private readonly key: number;
  private readonly model: CurrencyModel;
  private readonly rng: Rng; // the latent stream
  private readonly x: Float64Array; // latent log-values
  private readonly xStart = new Float64Array(NC); // latents at the start of the current minute
  private readonly g = new Float64Array(NC).fill(1); // GARCH variance ratios
  private readonly sd = new Float64Array(NC); // this minute's volatility of each latent
  private readonly n = new Float64Array(NC); // scratch: iid normals
  private slowVol: number; // market-wide log-volatility
  // per generated pair
  private readonly pairIndex: Int32Array; // canonical index (0..27): keys the pair's stream and missing minutes
  private readonly base: Int32Array;
  private readonly quote: Int32Array;
  private readonly rho: Float64Array;
  private readonly baseSd: Float64Array; // the pair's minute volatility at unit activity
  private readonly noiseSd: Float64Array;
  private readonly scale: Float64Array; // 10^decimals
  private readonly volume: Float64Array;
  private readonly missing: Float64Array;
  private readonly pairRng: Rng[];

  /** A market starting at `from` (epoch ms, floored to the minute) with every latent at its start level. */
  constructor(pairs: readonly string[], from: number, seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${seed}`);
    if (!Number.isFinite(from)) throw new Error(`invalid start time ${from}`);
    const infos = [...new Map(pairs.map((p) => pairInfo(p)).map((p) => [p.name, p])).values()];
    this.pairs = infos.map((p) => p.name);
    this.cursor = Math.floor(from / MINUTE_MS) * MINUTE_MS;
    this.key = seedKey(seed);
    this.model = currencyModel();
    this.rng = new Rng(this.key, 0);
    this.x = Float64Array.from(this.model.anchor);
    this.slowVol = DYNAMICS.slowVolSd * this.rng.normal(); // start in the stationary distribution
    const models = infos.map(pairModel);
    const { sigma, corr } = this.model;
    this.pairIndex = Int32Array.from(infos, (p) => p.index);
    this.base = Int32Array.from(models, (m) => m.base);
    this.quote = Int32Array.from(models, (m) => m.quote);
    this.rho = Float64Array.from(models, (m) => corr[m.base * NC + m.quote]!);
    this.baseSd = Float64Array.from(models, (m, i) => {
      const sb = sigma[m.base]!;
      const sq = sigma[m.quote]!;
      return Math.sqrt(sb * sb + sq * sq - 2 * this.rho[i]! * sb * sq);
    });
    this.noiseSd = Float64Array.from(models, (m) => m.noiseSd);
    this.scale = Float64Array.from(models, (m) => 10 ** m.decimals);
    this.volume = Float64Array.from(models, (m) => m.volume);
    this.missing = Float64Array.from(models, (m) => m.missing);
    this.pairRng = infos.map((p) => new Rng(this.key, 1 + p.index));
  }

  /** Start of the next minute to simulate. */
  get time(): number {
    return this.cursor;
  }

  /** The bars of every generated pair for the minutes [time, until); then time = until. */
  advance(until: number): Map<string, Bars> {
    if (!(until >= this.cursor) || until % MINUTE_MS !== 0) {
      throw new Error(`advance: end ${until} must be a whole minute at or after ${this.cursor}`);
    }
    const spans = openSpans(this.cursor, until);
    const np = this.pairs.length;
    const step = MINUTE_MS; // a local: under tsx an imported binding is a getter call in the loop
    const counts = new Int32Array(np);
    for (let s = 0; s < spans.length; s += 2) {
      for (let t = spans[s]!; t < spans[s + 1]!; t += step) {
        const minute = t / step;
        for (let p = 0; p < np; p++) if (!this.isMissing(p, minute)) counts[p]!++;
      }
    }
    const out = this.pairs.map((_, p) => allocBars(counts[p]!));
    const rows = new Int32Array(np);
    for (let s = 0; s < spans.length; s += 2) {
      for (let t = spans[s]!; t < spans[s + 1]!; t += step) {
        const minute = t / step;
        this.stepLatents(minute);
        for (let p = 0; p < np; p++) {
          if (this.isMissing(p, minute)) continue;
          this.writeBar(p, t, out[p]!, rows[p]!++);
        }
      }
    }
    this.cursor = until;
    return new Map(this.pairs.map((name, p) => [name, out[p]!]));
  }

  /** Each pair's own few missing minutes: a hash of (seed, pair, minute), likelier in quiet hours. */
  private isMissing(p: number, minute: number): boolean {
    const prob = this.missing[p]! / this.model.activity[minute % 1440]!;
    return hashUniform(this.key, this.pairIndex[p]!, minute) < prob;
  }

  /** Moves the latents over `minute` (minutes since the epoch); after a market closure, first the reopening gap. */
  private stepLatents(minute: number): void {
    const { rng, x, g, sd, n, xStart } = this;
    const { anchor, sigma, activity } = this.model;
    const D = DYNAMICS;
    if (minute - this.lastMinute > 1) {
      this.correlatedNormals();
      const k = Math.sqrt(D.weekendGapVariance);
      for (let c = 0; c < NC; c++) x[c] = x[c]! + k * sigma[c]! * n[c]!;
    }
    this.lastMinute = minute;
    xStart.set(x);
    const sv = D.slowVolSd;
    // exp(v − sd²) has mean square 1 when v ~ N(0, sd²)
    const act = activity[minute % 1440]! * Math.exp(this.slowVol - sv * sv);
    const jumpProb = D.jumpRate * act * act;
    const omega = 1 - D.garchAlpha - D.garchBeta;
    this.correlatedNormals();
    for (let c = 0; c < NC; c++) {
      const s = sigma[c]! * act;
      const z = n[c]!;
      sd[c] = s * Math.sqrt(g[c]!);
      let r = sd[c]! * z;
      let e2 = g[c]! * z * z; // squared shock in units of the unconditional variance s²
      if (rng.uniform() < jumpProb) {
        const jump = D.jumpSd * sigma[c]! * rng.normal();
        r += jump;
        e2 += (jump / s) * (jump / s);
      }
      x[c] = x[c]! + r + D.reversion * (anchor[c]! - x[c]!);
      g[c] = omega + D.garchAlpha * Math.min(e2, D.garchShockCap) + D.garchBeta * g[c]!;
    }
    const phi = D.slowVolPersistence;
    this.slowVol = phi * this.slowVol + Math.sqrt(1 - phi * phi) * sv * rng.normal();
  }

  /** n ← L·(iid normals): correlated standard normals for the 8 latents. */
  private correlatedNormals(): void {
    const { rng, n } = this;
    const { chol } = this.model;
    for (let c = 0; c < NC; c++) n[c] = rng.normal();
    for (let c = NC - 1; c >= 0; c--) {
      let z = 0;
      for (let k = 0; k <= c; k++) z += chol[c * NC + k]! * n[k]!;
      n[c] = z; // row c only reads n[0..c], which are still the iid draws
    }
  }

  /**
   * Pair p's bar for minute t at row `row`: open and close are the latent ratio at the minute's start
   * and end plus independent quote noise; high and low are the extremes of a Brownian bridge between
   * them (drawn from P(max > m) = exp(−2(m − a)(m − b)/v), Karatzas & Shreve 1991, §4.3.C); prices are
   * rounded to the pair's decimals; tick volume grows with activity and with the bar's range.
   */
  private writeBar(p: number, t: number, bars: Bars, row: number): void {
    const rng = this.pairRng[p]!;
    const { x, xStart, sd } = this;
    const b = this.base[p]!;
    const q = this.quote[p]!;
    const noise = this.noiseSd[p]!;
    const a = xStart[b]! - xStart[q]! + noise * rng.normal();
    const z = x[b]! - x[q]! + noise * rng.normal();
    const vLatent = sd[b]! * sd[b]! + sd[q]! * sd[q]! - 2 * this.rho[p]! * sd[b]! * sd[q]!;
    const v = vLatent + 2 * noise * noise; // the quotes' path: latent diffusion plus quote noise
    const d2 = (z - a) * (z - a);
    const hi = 0.5 * (a + z + Math.sqrt(d2 - 2 * v * Math.log(rng.uniform())));
    const lo = 0.5 * (a + z - Math.sqrt(d2 - 2 * v * Math.log(rng.uniform())));
    const k = this.scale[p]!;
    const ea = Math.exp(a);
    const open = Math.round(ea * k) / k; // integer / 10^d: the double nearest the decimal
    const close = Math.round(expFrom(ea, a, z - a) * k) / k;
    bars.ts[row] = t;
    bars.open[row] = open;
    bars.close[row] = close;
    bars.high[row] = Math.max(open, close, Math.round(expFrom(ea, a, hi - a) * k) / k);
    bars.low[row] = Math.min(open, close, Math.round(expFrom(ea, a, lo - a) * k) / k);
    const activity = Math.sqrt(vLatent) / this.baseSd[p]!;
    const rangeFactor = 0.5 + (0.5 * (hi - lo)) / (Math.sqrt(v) * MEAN_RANGE);
    const noiseFactor = 0.5 + rng.uniform(); // uniform on (0.5, 1.5), mean 1
    bars.volume[row] = Math.max(1, Math.round(this.volume[p]! * activity * rangeFactor * noiseFactor));
  }
}

/**
 * e^(a + d) given ea = e^a: for |d| < 1e-3, ea times the Taylor polynomial of e^d to d⁴ (truncation
 * error < d⁵/120 < 1e-17, below double rounding), otherwise Math.exp. Saves three of four exp calls per bar.
 */
function expFrom(ea: number, a: number, d: number): number {
  return d < 1e-3 && d > -1e-3 ? ea * (1 + d * (1 + d * (0.5 + d * (1 / 6 + d / 24)))) : Math.exp(a + d);
}

/** The open-market spans [a0, b0, a1, b1, …] within [from, until). */
function openSpans(from: number, until: number): number[] {
  const spans: number[] = [];
  for (let t = from; t < until; ) {
    const week = tradingWeek(t);
    const a = Math.max(t, week.open);
    if (a >= until) break;
    const b = Math.min(until, week.close);
    spans.push(a, b);
    t = b;
  }
  return spans;
}
