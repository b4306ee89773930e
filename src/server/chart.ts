// A feature of one pair over a time range, downsampled on the server to the chart's pixel width: per
// pixel bucket the min and the max (the M4 idea, Jugel et al. 2014, without first/last: a line through
// min and max per pixel draws the same envelope), so a year of minutes draws at once. The feature comes
// from the lake's Parquet files (an in-memory DuckDB reads them and groups in SQL, so only the buckets
// come back; the store file is not involved), the price from the store (read whole once per version
// of the file and grouped here).
import { existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { monthOf, monthRange } from '../core/time.ts';
import { rowAtOrAfter } from '../core/types.ts';
import { partitionPath } from '../pipeline/lake.ts';
import { queryPlain } from '../store/plain.ts';

export interface Buckets {
  /** Start of each non-empty bucket, epoch ms. */
  readonly t: number[];
  readonly min: number[];
  readonly max: number[];
  /** Values (non-NaN) summarised. */
  readonly points: number;
}

export interface BucketSpec {
  readonly from: number;
  readonly to: number;
  readonly width: number;
}

/**
 * SQL grouping `value` (a column of rows with epoch-ms `ms`) into `width` equal buckets of [from, to):
 * bucket b = ⌊(ms − from) · width / (to − from)⌋. NaN and NULL are left out (DuckDB orders NaN above
 * every number, so it would win every max).
 */
export function bucketSql(source: string, ms: string, value: string, s: BucketSpec): string {
  const span = s.to - s.from;
  return `SELECT b, min(v) AS lo, max(v) AS hi, count(*) AS n FROM (
      SELECT CAST(floor((${ms} - ${s.from}) * ${s.width} / ${span}) AS BIGINT) AS b, ${value} AS v FROM ${source}
      WHERE ${ms} >= ${s.from} AND ${ms} < ${s.to} AND ${value} IS NOT NULL AND NOT isnan(${value}))
    GROUP BY b ORDER BY b`;
}

export function bucketsFrom(rows: Record<string, unknown>[], s: BucketSpec): Buckets {
  const span = s.to - s.from;
  const out: Buckets = { t: [], min: [], max: [], points: 0 };
  for (const r of rows) {
    out.t.push(s.from + (Number(r.b) * span) / s.width);
    out.min.push(r.lo as number);
    out.max.push(r.hi as number);
    (out as { points: number }).points += Number(r.n);
  }
  return out;
}

/** The same buckets from sorted in-memory series (the price, read whole and cached). */
export function bucketArrays(ts: Float64Array, v: Float64Array, s: BucketSpec): Buckets {
  const span = s.to - s.from;
  const out = { t: [] as number[], min: [] as number[], max: [] as number[], points: 0 };
  let i = rowAtOrAfter(ts, s.from);
  let cur = -1;
  for (; i < ts.length && ts[i]! < s.to; i++) {
    const x = v[i]!;
    if (Number.isNaN(x)) continue;
    const b = Math.floor(((ts[i]! - s.from) * s.width) / span);
    out.points++;
    if (b !== cur) {
      cur = b;
      out.t.push(s.from + (b * span) / s.width);
      out.min.push(x);
      out.max.push(x);
    } else {
      const k = out.t.length - 1;
      if (x < out.min[k]!) out.min[k] = x;
      if (x > out.max[k]!) out.max[k] = x;
    }
  }
  return out;
}


const num = (x: number) => {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return String(x);
};

/** Reads lake Parquet files through one in-memory DuckDB (independent of the store's file lock). */
export class LakeReader {
  private conn: Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataDir: string) {}

  /** The lake files of (unit, pair) for the months [from, to) touches that exist. */
  files(unit: string, pair: string, from: number, to: number): string[] {
    return monthRange(monthOf(from), monthOf(to - 1)).map((m) => partitionPath(this.dataDir, unit, pair, m)).filter((p) => existsSync(p));
  }

  async feature(unit: string, pair: string, column: string, s: BucketSpec): Promise<Buckets & { files: number }> {
    const files = this.files(unit, pair, s.from, s.to);
    if (files.length === 0) return { t: [], min: [], max: [], points: 0, files: 0 };
    const list = `read_parquet([${files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')}])`;
    // `column` is a catalog name (checked by the caller), quoted as an identifier.
    const sql = bucketSql(list, 'epoch_ms(ts)', `"${column.replaceAll('"', '""')}"`, { from: Number(num(s.from)), to: Number(num(s.to)), width: Number(num(s.width)) });
    return { ...bucketsFrom(await this.query(sql), s), files: files.length };
  }

  private query(sql: string): Promise<Record<string, unknown>[]> {
    const run = this.tail.then(async () => {
      this.conn ??= DuckDBInstance.create(':memory:', { threads: '1' }).then(async (instance) => ({ instance, conn: await instance.connect() }));
      return queryPlain((await this.conn).conn, sql);
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (!this.conn) return;
    const { instance, conn } = await this.conn;
    conn.closeSync();
    instance.closeSync();
  }
}
