// The weekly-refit regime HMM of FEATURES.md §6 on an observation series o_t (= Δy_t): for each segment,
// fit a 3-state Gaussian HMM on the rows before the segment start, then run the scaled forward filter with
// the frozen parameters. Segments are given as row indices (the caller anchors them on the calendar).
// Causal by construction: a segment's fit reads rows < its start; its filter at row t reads rows ≤ t.
import { sha256 } from '../core/hash.ts';
import { baumWelch, forwardFilter, HMM_STATES, HmmWorkspace, orderByVariance, quantileInit, type HmmFit, type HmmParams } from './hmm.ts';

export const REGIME_HMM = {
  /** Rows before the segment start the model is fitted on. */
  fitRows: 10_080,
  /** Fewer finite observations than this in the fit window: no fit, NaN features. */
  minRows: 5_000,
  /** The filter starts this many rows before the segment start. */
  burnIn: 1_440,
  /** Initial variances: these quantiles of the standardised o². */
  varianceQuantiles: [0.2, 0.5, 0.9] as const,
  /** Initial self-transition probability. */
  stay: 0.98,
  maxIter: 100,
  /** Stop when an EM update improves the log-likelihood by less than this (absolute). */
  tol: 1e-6,
  /**
   * Floor of the state variances on the standardised scale (hmmlearn's default min_covar). 1-minute prices
   * are quantised: 5–12 % of the idx returns are exactly 0, and without a floor a state collapses onto that
   * point mass (unbounded likelihood) — in 2017, 21 (NZDCAD) and 39 (NZDCHF) of 51 weekly fits. With it,
   * that state is the calm "price unchanged" regime; fits whose variances stay above it are unaffected.
   */
  varianceFloor: 1e-3,
} as const;

export type SegmentStatus = 'ok' | 'insufficient' | 'degenerate' | 'skipped';

/** Provenance of one segment's fit (row indices refer to the observation series). */
export interface SegmentFit {
  /** First row of the segment; it ends before the next segment's start. */
  readonly start: number;
  readonly end: number;
  /** Rows [fitFrom, start) are the fit window. */
  readonly fitFrom: number;
  /** Finite observations in the fit window (not counted for a skipped segment). */
  readonly observations?: number;
  readonly status: SegmentStatus;
  /** Why the fit is unusable (status ≠ 'ok'). */
  readonly reason?: string;
  /** Standardisation of the window: z = (o − center) / scale. */
  readonly center?: number;
  readonly scale?: number;
  readonly iterations?: number;
  readonly logLik?: number;
  readonly converged?: boolean;
  /** The fitted model on the standardised scale, states ordered by variance (calm, normal, turbulent). */
  readonly params?: HmmParams;
}

/**
 * Fits made earlier for identical fit windows. A fit is a pure function of the window's finite observations,
 * so a window with the same bytes gets the same fit, bit for bit: a week that straddles two months is fitted
 * in both months' partitions (≈ 13 of the 67 fits of a pair's year), and the pipeline hands the second the first's fit.
 */
export interface FitMemo {
  get(key: string): HmmFit | undefined;
  set(key: string, fit: HmmFit): void;
}

/** The memo key of a fit window: the sha256 of its observations' float64 bytes (their order and count included). */
export function fitKey(window: Float64Array): string {
  return `hmm:${sha256(new Uint8Array(window.buffer, window.byteOffset, window.byteLength))}`;
}

/**
 * Fits and filters every segment [starts[i], starts[i+1]) (the last one ends at the series end). Writes
 * the filtered probabilities of the ordered states into probs[0..2] for the segment rows (NaN where the
 * segment has no usable fit, and before the first segment). `starts` must be increasing. Segments that end
 * at or before row `needFrom` are not fitted (status 'skipped', NaN): each segment's fit and filter read
 * only the observations, never another segment's model, so the rows from `needFrom` on are unchanged.
 * `memo`: fits of earlier identical windows to take instead of fitting again, and where new fits go.
 */
export function regimeHmm(obs: Float64Array, starts: readonly number[], probs: readonly Float64Array[], needFrom = 0, memo?: FitMemo): SegmentFit[] {
  const n = obs.length;
  if (probs.length !== HMM_STATES || probs.some((p) => p.length !== n)) throw new RangeError('regimeHmm: need 3 probability columns of the series length');
  for (const p of probs) p.fill(NaN, 0, Math.min(n, starts[0] ?? n));
  const cfg = REGIME_HMM;
  const window = new Float64Array(cfg.fitRows);
  const ws = new HmmWorkspace(cfg.fitRows);
  const fits: SegmentFit[] = [];
  for (let s = 0; s < starts.length; s++) {
    const start = starts[s]!;
    const end = s + 1 < starts.length ? starts[s + 1]! : n;
    const fitFrom = Math.max(0, start - cfg.fitRows);
    if (end <= needFrom) {
      for (const p of probs) p.fill(NaN, start, end);
      fits.push({ start, end, fitFrom, status: 'skipped', reason: 'every row of the segment lies before the rows needed' });
      continue;
    }
    let m = 0;
    for (let t = fitFrom; t < start; t++) if (Number.isFinite(obs[t]!)) window[m++] = obs[t]!;
    const base = { start, end, fitFrom, observations: m };
    const fail = (status: SegmentStatus, reason: string, extra: Partial<SegmentFit> = {}): void => {
      for (const p of probs) p.fill(NaN, start, end);
      fits.push({ ...base, status, reason, ...extra });
    };
    if (m < cfg.minRows) {
      fail('insufficient', `${m} finite observations before the segment start (< ${cfg.minRows})`);
      continue;
    }
    // Standardise by the window's mean and sample standard deviation (two passes).
    const x = window.subarray(0, m);
    const key = memo && fitKey(x);
    let sum = 0;
    for (let i = 0; i < m; i++) sum += x[i]!;
    const center = sum / m;
    let ss = 0;
    for (let i = 0; i < m; i++) ss += (x[i]! - center) * (x[i]! - center);
    const scale = Math.sqrt(ss / (m - 1));
    if (!(scale > 0)) {
      fail('degenerate', 'the observations of the fit window are constant', { center, scale });
      continue;
    }
    let fit = key === undefined ? undefined : memo!.get(key);
    if (fit === undefined) {
      for (let i = 0; i < m; i++) x[i] = (x[i]! - center) / scale;
      fit = baumWelch(x, quantileInit(x, cfg.varianceQuantiles, cfg.stay), { maxIter: cfg.maxIter, tol: cfg.tol, varianceFloor: cfg.varianceFloor }, ws);
      if (key !== undefined) memo!.set(key, fit);
    }
    const info = { center, scale, iterations: fit.iterations, logLik: fit.logLik, converged: fit.converged };
    if (fit.degenerate !== null) {
      fail('degenerate', fit.degenerate, info);
      continue;
    }
    const params = orderByVariance(fit.params);
    // Filter from burnIn rows before the start; write the segment's rows only.
    const from = Math.max(0, start - cfg.burnIn);
    const z = new Float64Array(end - from);
    for (let t = from; t < end; t++) z[t - from] = (obs[t]! - center) / scale;
    const uniform = new Float64Array(HMM_STATES).fill(1 / HMM_STATES);
    forwardFilter(params, z, uniform, probs.map((p) => p.subarray(start, end)), start - from);
    fits.push({ ...base, status: 'ok', ...info, params });
  }
  return fits;
}

/** Per-row state columns derived from the filtered probabilities (FEATURES.md §6). */
export interface StateColumns {
  /** argmax_k p_k (0 calm, 1 normal, 2 turbulent; ties to the calmer state). */
  readonly state: Float64Array;
  /** Rows since the state last changed, capped at `cap` (0 on the row it changes or after a NaN row). */
  readonly duration: Float64Array;
  /** 1 / (1 − A_kk) of the current state k (NaN if A_kk = 1). */
  readonly expectedDuration: Float64Array;
  /** 1 − A_kk of the current state. */
  readonly transitionProbability: Float64Array;
  /** max_k p_k. */
  readonly strength: Float64Array;
}

/**
 * Fills the state columns for every row from the probabilities written by regimeHmm and its segment fits
 * (A_kk of the segment's own model). duration_t = 0 if s_t ≠ s_{t−1} or s_{t−1} is NaN, else
 * min(cap, duration_{t−1} + 1): it depends on the states of rows t − cap … t only.
 */
export function stateColumns(probs: readonly Float64Array[], fits: readonly SegmentFit[], cap: number, out: StateColumns): void {
  const [p0, p1, p2] = probs as [Float64Array, Float64Array, Float64Array];
  const n = p0.length;
  const stays = probs.map(() => new Float64Array(n).fill(NaN)); // A_kk of each row's model, per state k
  for (const f of fits) {
    if (!f.params) continue;
    for (let k = 0; k < HMM_STATES; k++) stays[k]!.fill(f.params.trans[k * HMM_STATES + k]!, f.start, f.end);
  }
  let prev = NaN;
  let run = NaN;
  for (let t = 0; t < n; t++) {
    const a = p0[t]!, b = p1[t]!, c = p2[t]!;
    if (!(a === a && b === b && c === c)) {
      out.state[t] = NaN; out.duration[t] = NaN; out.expectedDuration[t] = NaN;
      out.transitionProbability[t] = NaN; out.strength[t] = NaN;
      prev = NaN;
      continue;
    }
    const k = a >= b ? (a >= c ? 0 : 2) : b >= c ? 1 : 2;
    run = k === prev ? Math.min(cap, run + 1) : 0;
    prev = k;
    const akk = stays[k]![t]!;
    out.state[t] = k;
    out.duration[t] = run;
    out.transitionProbability[t] = 1 - akk;
    out.expectedDuration[t] = akk < 1 ? 1 / (1 - akk) : NaN;
    out.strength[t] = Math.max(a, b, c);
  }
}
