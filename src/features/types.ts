// The shapes of the feature registry (DESIGN.md "features/") and of a family's computation.

export type Domain = 'idx' | 'bqx' | 'cross';
export type Role = 'feature' | 'target';
export const STAGES = ['base', 'ti', 'ci', 'arb', 'erm', 'regime', 'cross'] as const;
export type StageName = (typeof STAGES)[number];

/** One column of the data set. */
export interface FeatureDef {
  readonly name: string;
  readonly family: string;
  readonly domain: Domain;
  readonly stage: StageName;
  /** Kernel that computes it and its parameters (for the catalog; the family's compute does the work). */
  readonly kernel: string;
  readonly params: Readonly<Record<string, number | string>>;
  /** Input series: close, high, low, open, volume, bqx, or another feature's name. */
  readonly inputs: readonly string[];
  /**
   * Rows of history before t that the value at t depends on (its warm-up): with this many earlier rows
   * available, the value equals that of one continuous run over all data (to 1e-9 relative for
   * recursive filters such as EMA/Wilder, whose memory is cut where (1−α)^k < 1e-12).
   */
  readonly lookback: number;
  /**
   * At most this many rows at the start of the data set are NaN because history is too short
   * (≤ lookback + 1; exact for own-row windows, an upper bound where the history is counted in time or
   * in union-grid rows). After them the value is NaN only where it is undefined (0/0, zero variance …).
   */
  readonly nanPrefix: number;
  /** Rows after t that the value reads: 0 for every feature; > 0 only for targets. */
  readonly lookahead: number;
  readonly role: Role;
  readonly dtype: 'float64';
  /** Declared range [lo, hi] (inclusive), checked by validation; undefined = any finite value. */
  readonly range?: readonly [number, number];
  /** True when the value is an integer flag or class (validation checks membership). */
  readonly discrete?: readonly number[];
  readonly description: string;
  /** Readings of FEATURES.md chosen where it is ambiguous. */
  readonly notes?: string;
}

/**
 * What a per-pair family sees: one pair's rows (warm-up prefix + partition), in row order.
 * The idx domain columns are 100 × price / baseline close; `bqx` is B = w15_bqx_return.
 */
export interface PairFrame {
  readonly pair: string;
  readonly n: number;
  /**
   * Row of the partition's first row: the rows before it are warm-up, whose outputs are discarded (so a
   * family may leave them unfinished where no kept row depends on them). Absent: every row is kept.
   */
  readonly first?: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly bqx: Float64Array;
  /** The raw close price (absolute rate, not the index): for triangles and currency levels. */
  readonly rawClose: Float64Array;
  /** Outputs of earlier stages over the same rows, by feature name (e.g. reg_idx_w60_r2). */
  readonly upstream: (name: string) => Float64Array;
}

/** Returns the (zero-filled, length n) output column of a feature the family declared. */
export type OutputColumn = (name: string) => Float64Array;

/**
 * Results of pure computations made for earlier partitions, by content key (the pipeline carries them from a
 * pair's task to its next month's): a family may take a value whose key matches instead of computing it again.
 */
export interface Memo {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Side channel of a computation: provenance recorded in the partition's manifest, warnings, and an optional memo. */
export interface ComputeContext {
  note(key: string, value: unknown): void;
  warn(message: string): void;
  readonly memo?: Memo;
}

/**
 * Input of an all-pairs (month fan-in) family: every loaded pair's frame, each covering its own
 * warm-up prefix + the month's rows. Pairs that are not loaded are absent.
 */
export interface MonthInput {
  readonly month: string;
  readonly pairs: ReadonlyMap<string, PairFrame>;
}

/** A family: its feature definitions, generated from a compact config, and how to compute them. */
export interface Family {
  readonly name: string;
  readonly stage: StageName;
  /** Bump when the family's numbers change: its partitions become stale and are recomputed. */
  readonly version: number;
  /** 'pair': one task per pair × month; 'month': one task per month reading every pair (fan-in). */
  readonly partition: 'pair' | 'month';
  readonly features: readonly FeatureDef[];
  /** Per-pair computation. Absent while not implemented (the registry lists it as 'not implemented'). */
  readonly compute?: (frame: PairFrame, out: OutputColumn, ctx: ComputeContext) => void;
  /** Month fan-in computation: `out(pair, name)` is that pair's column over its frame's rows. */
  readonly computeMonth?: (input: MonthInput, out: (pair: string, name: string) => Float64Array, ctx: ComputeContext) => void;
}
