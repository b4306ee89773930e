// `bqx validate --db`: runs the generated validation script (sql/validation.ts) on the PostgreSQL
// feature tables and judges its figures with the embedded validator's rules (completeness.ts,
// quality.ts) into the same summary: rows and timestamps per unit × pair × month; per feature the
// non-null fraction after the burn-in (≥ 99.5 %; the data's end expected for targets; unavailable where
// the pair has no volume or a fan-in feature reads a pair without bars), no ±Infinity, declared ranges.
// SQL does not see which rows a stale pair excuses: a fan-in feature below 99.5 % that reads only
// loaded pairs is reported as info (its fraction is a lower bound) rather than judged.
import type pg from 'pg';
import { PAIR_NAMES } from '../core/currencies.ts';
import type { FeatureTable } from '../features/tables.ts';
import type { Unit } from '../pipeline/units.ts';
import { barTable } from '../store/postgres/migrations.ts';
import { NON_NULL_MIN, volumeFeatures } from '../validate/completeness.ts';
import { pairsRead } from '../validate/reads.ts';
import { summarise } from '../validate/report.ts';
import { Tally } from '../validate/tally.ts';
import type { CheckId, CheckSummary, Finding } from '../validate/types.ts';
import { FEATURE_CHECKS, PARTITION_CHECKS, validationSql } from './validation.ts';

/** The checks the SQL script covers. */
export const SQL_CHECKS: readonly CheckId[] = ['rows', 'timestamps', 'non_null', 'finite', 'range'];

export interface SqlValidation {
  readonly passed: boolean;
  readonly summary: CheckSummary[];
  /** Smallest non-null fraction after the burn-in per feature over the pairs (unavailable pairs left out). */
  readonly nonNull: ReadonlyMap<string, number | null>;
  readonly findings: readonly Finding[];
  readonly ms: number;
}

// Counts read as float8: a number whatever the pool's type parsers (bigint would come as text or BigInt).
interface PartitionRow { tbl: string; pair: string; month: string; bars: number; stored: number; unmatched: number; duplicates: number }
interface FeatureRow { tbl: string; pair: string; feature: string; considered: number; nulls: number; edge_nulls: number; infinite: number; out_of_range: number }

export async function runSqlValidation(pool: pg.Pool, units: readonly Unit[], tables: readonly FeatureTable[]): Promise<SqlValidation> {
  const t0 = performance.now();
  const db = await pool.connect();
  let parts: PartitionRow[], feats: FeatureRow[];
  const silent = new Set<string>(); // pairs whose every bar has volume 0
  const loaded = new Set<string>();
  try {
    await db.query(validationSql(tables));
    parts = (await db.query<PartitionRow>(`SELECT tbl, pair, month, bars::float8, stored::float8, unmatched::float8, duplicates::float8 FROM pg_temp.${PARTITION_CHECKS}`)).rows;
    feats = (await db.query<FeatureRow>(`SELECT tbl, pair, feature, considered::float8, nulls::float8, edge_nulls::float8, infinite::float8, out_of_range::float8 FROM pg_temp.${FEATURE_CHECKS} ORDER BY pair`)).rows;
    for (const pair of PAIR_NAMES) {
      if ((await db.query('SELECT to_regclass($1) AS t', [barTable(pair)])).rows[0].t === null) continue;
      const { bars, silent: quiet } = (await db.query(`SELECT count(*)::float8 AS bars, bool_and(volume = 0) AS silent FROM ${barTable(pair)}`)).rows[0];
      if (bars > 0) loaded.add(pair);
      if (quiet) silent.add(pair);
    }
  } finally {
    db.release();
  }
  const unitOfTable = new Map(tables.map((t) => [t.name, units.find((u) => u.columns.some((c) => c.name === t.columns[0]!.name))]));
  const unitOf = new Map(units.flatMap((u) => u.columns.map((c) => [c.name, u] as const)));
  const tally = new Tally();

  // Partitions of a unit: failed when any of its tables fails.
  const byPartition = new Map<string, { rows: boolean; ts: boolean; stored: boolean; where: { unit: string; pair: string; month: string }; message: string }>();
  for (const r of parts) {
    const unit = unitOfTable.get(r.tbl)?.name;
    if (!unit) continue;
    const key = `${unit}|${r.pair}|${r.month}`;
    const p = byPartition.get(key) ?? { rows: true, ts: true, stored: true, where: { unit, pair: r.pair, month: r.month }, message: '' };
    if (r.stored !== r.bars || r.unmatched !== 0) {
      p.rows = false;
      p.message ||= `${unit} ${r.pair} ${r.month}: bqx.${r.tbl}_${r.pair.toLowerCase()} holds ${r.stored} rows for ${r.bars} bars, ${r.unmatched} timestamps not in both`;
    }
    if (r.duplicates !== 0) p.ts = false;
    if (r.stored === 0) p.stored = false;
    byPartition.set(key, p);
  }
  for (const p of byPartition.values()) {
    tally.partition('rows', p.rows ? 'pass' : 'fail', p.rows ? undefined : { ...p.where, message: p.message });
    if (p.stored) tally.partition('timestamps', p.ts ? 'pass' : 'fail', p.ts ? undefined : { ...p.where, message: `${p.where.unit} ${p.where.pair} ${p.where.month}: duplicate timestamps` });
  }

  const volume = volumeFeatures(units.flatMap((u) => u.columns));
  const nonNull = new Map<string, number | null>();
  const infinite = new Map<string, number>(), outside = new Map<string, number>();
  for (const r of feats) {
    const unit = unitOf.get(r.feature);
    if (!unit) continue;
    const where = { unit: unit.name, pair: r.pair };
    const eligible = r.considered - r.edge_nulls;
    const frac = eligible === 0 ? null : (eligible - r.nulls) / eligible;
    const pct = frac === null ? 'no rows after the burn-in' : `${(100 * frac).toFixed(2)} % non-null after the burn-in`;
    infinite.set(r.feature, (infinite.get(r.feature) ?? 0) + r.infinite);
    outside.set(r.feature, (outside.get(r.feature) ?? 0) + r.out_of_range);
    if (!nonNull.has(r.feature)) nonNull.set(r.feature, null);
    const short = frac !== null && frac < NON_NULL_MIN;
    const absent = unit.kind === 'month' ? pairsRead(r.feature, r.pair).filter((p) => !loaded.has(p)) : [];
    const reason = volume.has(r.feature) && silent.has(r.pair) ? 'the source has no volume (every bar has volume 0)'
      : short && absent.length > 0 ? `reads pairs without bars: ${absent.join(' ')}` : null;
    if (reason) { tally.feature('non_null', r.feature, 'unavailable', { ...where, message: `${r.feature} ${r.pair}: unavailable: ${reason} (${pct})` }); continue; }
    if (r.edge_nulls !== 0) tally.feature('non_null', r.feature, 'info', { ...where, message: `${r.feature} ${r.pair}: ${r.edge_nulls} NULL rows at the end of the data, expected` });
    if (frac === null) continue;
    const worst = nonNull.get(r.feature);
    nonNull.set(r.feature, worst === null || worst === undefined ? frac : Math.min(worst, frac));
    if (!short) tally.feature('non_null', r.feature, 'pass');
    else if (unit.kind === 'month') tally.feature('non_null', r.feature, 'info', { ...where, message: `${r.feature} ${r.pair}: ${pct}, a lower bound: NULL where a pair it reads is stale is not excused in SQL (the embedded validator checks it)` });
    else tally.feature('non_null', r.feature, 'fail', { ...where, message: `${r.feature} ${r.pair}: ${pct} (${r.nulls} of ${eligible} rows NULL; expected ≥ ${100 * NON_NULL_MIN} %)` });
  }
  for (const [name, n] of infinite) tally.feature('finite', name, n === 0 ? 'pass' : 'fail', n === 0 ? undefined : { unit: unitOf.get(name)!.name, message: `${name}: ${n} infinite values` });
  for (const [name, n] of outside) tally.feature('range', name, n === 0 ? 'pass' : 'fail', n === 0 ? undefined : { unit: unitOf.get(name)!.name, message: `${name}: ${n} values outside the declared range or values` });

  const summary = summarise(tally).filter((s) => SQL_CHECKS.includes(s.check));
  return { passed: summary.every((s) => s.failed === 0), summary, nonNull, findings: tally.findings, ms: performance.now() - t0 };
}
