// Test helpers for the store: deterministic synthetic bars, plain reference definitions written
// straight from the spec (selection by time, content version), and a bit-exact comparison.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { allocBars, BAR_COLUMNS, type Bars } from '../../src/core/types.ts';
import { MINUTE_MS } from '../../src/core/time.ts';
export { rng } from '../helpers/rng.ts';
import { rng } from '../helpers/rng.ts';
import { test } from 'node:test';
import { openStore } from '../../src/store/duckdb.ts';
import { openPostgresStore } from '../../src/store/postgres/store.ts';
import type { Store } from '../../src/store/types.ts';
import { NO_SERVER, resetDatabase, testDatabase } from '../helpers/postgres.ts';


/**
 * `n` bars from `start` (epoch ms, a whole minute) at realistic magnitudes (price ≈ 1.08, moves ≈ 1e-4
 * relative, 5 decimals), skipping a minute with probability `skip`.
 */
export function makeBars(start: number, n: number, seed: number, skip = 0.01): Bars {
  const r = rng(seed);
  const b = allocBars(n);
  let t = start;
  let p = 1.08;
  for (let i = 0; i < n; i++) {
    const open = p;
    p = Math.round(p * (1 + (r() - 0.5) * 2e-4) * 1e5) / 1e5;
    b.ts[i] = t;
    b.open[i] = open;
    b.close[i] = p;
    b.high[i] = Math.max(open, p) + Math.round(r() * 5) / 1e5;
    b.low[i] = Math.min(open, p) - Math.round(r() * 5) / 1e5;
    b.volume[i] = Math.floor(r() * 200);
    t += r() < skip ? 2 * MINUTE_MS : MINUTE_MS;
  }
  return b;
}

/** Bars from rows [ts, open, high, low, close, volume] (hand-made cases). */
export function barsOf(rows: readonly (readonly number[])[]): Bars {
  const b = allocBars(rows.length);
  rows.forEach((row, i) => BAR_COLUMNS.forEach((c, k) => { b[c][i] = row[k]!; }));
  return b;
}

/** Reference selection: the rows with keep(ts) true, copied. */
export function selectBars(b: Bars, keep: (ts: number, i: number) => boolean): Bars {
  const idx: number[] = [];
  for (let i = 0; i < b.ts.length; i++) if (keep(b.ts[i]!, i)) idx.push(i);
  const out = allocBars(idx.length);
  idx.forEach((i, r) => BAR_COLUMNS.forEach((c) => { out[c][r] = b[c][i]!; }));
  return out;
}

/** Reference content version: sha256 over the columns in BAR_COLUMNS order, each value as float64 LE. */
export function referenceVersion(b: Bars): string {
  const n = b.ts.length;
  if (n === 0) return '';
  const bytes = new DataView(new ArrayBuffer(n * 8 * BAR_COLUMNS.length));
  BAR_COLUMNS.forEach((c, k) => { for (let i = 0; i < n; i++) bytes.setFloat64((k * n + i) * 8, b[c][i]!, true); });
  return createHash('sha256').update(new Uint8Array(bytes.buffer)).digest('hex');
}

/** Reference gap counts (PairSummary): consecutive bars g minutes apart miss g − 1 minutes if 2 ≤ g < 1440; g ≥ 1440 is a weekend gap. */
export function referenceGaps(ts: ArrayLike<number>): { missingMinutes: number; weekendGaps: number } {
  let missingMinutes = 0;
  let weekendGaps = 0;
  for (let i = 1; i < ts.length; i++) {
    const g = (ts[i]! - ts[i - 1]!) / MINUTE_MS;
    if (g >= 1440) weekendGaps++;
    else if (g >= 2) missingMinutes += g - 1;
  }
  return { missingMinutes, weekendGaps };
}

const bits = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0]!;

/** Asserts that two bar blocks hold the same values bit for bit (any NaN equals any NaN). */
export function assertSameBars(actual: Bars, expected: Bars, label: string): void {
  assert.equal(actual.ts.length, expected.ts.length, `${label}: row count`);
  for (const c of BAR_COLUMNS) {
    for (let i = 0; i < expected.ts.length; i++) {
      const a = actual[c][i]!;
      const e = expected[c][i]!;
      if (Number.isNaN(e) && Number.isNaN(a)) continue;
      if (bits(a) !== bits(e)) assert.fail(`${label}: ${c}[${i}] = ${Object.is(a, -0) ? '-0' : a}, expected ${Object.is(e, -0) ? '-0' : e}`);
    }
  }
}

/** Asserts that `b` is one contiguous allocBars block (a single ArrayBuffer of exactly its size). */
export function assertOneBlock(b: Bars): void {
  const buf = b.ts.buffer;
  assert.equal(buf.byteLength, b.ts.length * 8 * BAR_COLUMNS.length, 'one buffer of 6 columns');
  BAR_COLUMNS.forEach((c, k) => {
    assert.equal(b[c].buffer, buf, `${c} shares the block`);
    assert.equal(b[c].byteOffset, k * b.ts.length * 8, `${c} offset`);
  });
}

/** Runs `fn` on a fresh in-memory store and closes it. */
export async function withStore(fn: (s: Store) => Promise<void>): Promise<void> {
  const store = await openStore(':memory:');
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

/** Runs `fn` on a fresh store and closes it. */
export type WithStore = (fn: (s: Store) => Promise<void>) => Promise<void>;

/** Runs `fn` on an empty PostgreSQL store in the database at `url`. */
export function withPostgresStore(url: string): WithStore {
  return async (fn) => {
    await resetDatabase(url);
    const store = await openPostgresStore({ url });
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };
}

/**
 * A contract test of the Store interface, registered once per store: `body` gets the store's
 * withStore. The PostgreSQL one runs in this file's test database and skips visibly without a server.
 */
export function storeTest(name: string, body: (withStore: WithStore) => Promise<void>, opts: { skip?: string | false } = {}): void {
  test(`${name} [duckdb]`, opts, () => body(withStore));
  test(`${name} [postgres]`, opts, async (t) => {
    const url = await testDatabase();
    if (url === null) t.skip(NO_SERVER);
    else await body(withPostgresStore(url));
  });
}
