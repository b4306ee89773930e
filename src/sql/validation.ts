// `bqx sql validation`: the validation script of the PostgreSQL feature tables, generated from the
// catalog and its table assignment (features/tables.ts). It fills two session tables with raw figures,
// then prints a summary and the failures:
// - pg_temp.bqx_partition_checks, per table × pair × month of bars or features: bars, rows stored, rows
//   whose ts is not in both (partition completeness: a month of bars without its partition counts all
//   its bars), duplicate timestamps (0 by the primary key; rows are read in ts order, so the order holds);
// - pg_temp.bqx_feature_checks, per feature × pair over the months whose partition holds exactly the
//   bars (as the embedded validator, which judges no column of a broken partition): the rows after the burn-in
//   (data-set row ≥ nanPrefix of the pair's bars) where the feature is defined (expectations.ts), the
//   NULLs among them before and at the data's end (a target's last `lookahead` rows), ±Infinity, and
//   values outside the declared range with the rounding allowance of core/bounds.ts or outside the
//   declared discrete values.
// Each table is visited for every pair by a PL/pgSQL loop over the fixed pair list; identifiers come
// only from that list and the catalog. The figures are those of the embedded validator (completeness.ts,
// quality.ts) except one rule SQL does not see: a fan-in feature's NaN where a pair it reads is stale
// is counted as NULL here (sql/check.ts reports such features as lower bounds).
import { PAIR_NAMES } from '../core/currencies.ts';
import { boundTolerance } from '../core/bounds.ts';
import type { FeatureTable } from '../features/tables.ts';
import type { FeatureDef } from '../features/types.ts';
import { ident } from '../store/postgres/feature-ddl.ts';
import { UNDEFINED_ROWS, undefinedRowsOf } from '../validate/expectations.ts';
import { NON_NULL_MIN } from '../validate/completeness.ts';

/** The SQL of each rule of expectations.ts over the pair's bar `b` (a rule without one is refused). */
const UNDEFINED_SQL: Readonly<Record<string, string>> = { 'flat bars (H = L)': 'b.high = b.low' };

/** Feature aggregates per query: 5 each, within PostgreSQL's 1,664 result columns. */
const CHUNK = 250;

export const PARTITION_CHECKS = 'bqx_partition_checks';
export const FEATURE_CHECKS = 'bqx_feature_checks';

/** A float8 literal that parses to exactly x (JavaScript's shortest round-trip form). */
const float8 = (x: number) => `'${Number.isFinite(x) ? String(x) : x > 0 ? 'Infinity' : '-Infinity'}'::float8`;

function undefinedSql(def: FeatureDef): string | null {
  const rule = undefinedRowsOf(def);
  if (!rule) return null;
  const sql = UNDEFINED_SQL[rule.rows];
  if (!sql) throw new Error(`no SQL for the rule "${rule.rows}" (sql/validation.ts UNDEFINED_SQL)`);
  return sql;
}

/** The condition of a value outside the declared range (with the allowance) or discrete values. */
function outsideSql(col: string, def: FeatureDef): string | null {
  const parts: string[] = [];
  if (def.range) {
    const tol = boundTolerance(def.range);
    if (def.range[0] > -Infinity) parts.push(`${col} < ${float8(def.range[0] - tol)}`);
    if (def.range[1] < Infinity) parts.push(`${col} > ${float8(def.range[1] + tol)}`);
  }
  if (def.discrete) parts.push(`NOT ${col} = ANY (ARRAY[${def.discrete.map(float8).join(', ')}])`);
  return parts.length ? `abs(${col}) <> 'Infinity' AND (${parts.join(' OR ')})` : null;
}

/** Dollar-quoted text for format(): its only '%' are the placeholders %1$L, %2$I, %3$I. */
function template(sql: string): string {
  if (sql.includes('$q$') || sql.includes('$bqx$') || sql.replace(/%[1-3]\$[IL]/g, '').includes('%')) throw new Error('generated SQL holds a quote tag or a stray %');
  return `$q$${sql}$q$`;
}

/**
 * One query over a chunk of a table's features: %1$L the pair, %2$I its bars table, %3$I its feature
 * table. Burn-in and data-end cut-offs are the ts of the pair's bar number nanPrefix (from the start)
 * and lookahead (from the end).
 */
function featureQuery(table: string, defs: readonly FeatureDef[]): string {
  const burns = [...new Set(defs.map((d) => d.nanPrefix))];
  const edges = [...new Set(defs.filter((d) => d.lookahead > 0).map((d) => d.lookahead))];
  const cuts = [
    ...burns.map((p) => `(SELECT ts FROM bqx.%2$I ORDER BY ts OFFSET ${p} LIMIT 1) AS burn_${p}`),
    ...edges.map((h) => `coalesce((SELECT ts FROM bqx.%2$I ORDER BY ts DESC OFFSET ${h - 1} LIMIT 1), '-infinity') AS edge_${h}`),
  ];
  const join = defs.some((d) => undefinedSql(d) !== null);
  const aggs: string[] = [];
  const values: string[] = [];
  defs.forEach((d, k) => {
    const col = `f.${ident(d.name)}`;
    const undef = undefinedSql(d);
    const cond = `f.ts >= c.burn_${d.nanPrefix}${undef ? ` AND NOT coalesce(${undef}, false)` : ''}`;
    const edge = d.lookahead > 0 ? `f.ts >= c.edge_${d.lookahead}` : null;
    const outside = outsideSql(col, d);
    aggs.push(
      `count(*) FILTER (WHERE ${cond}) AS d${k}`,
      `count(*) FILTER (WHERE ${cond} AND ${col} IS NULL${edge ? ` AND NOT ${edge}` : ''}) AS n${k}`,
      edge ? `count(*) FILTER (WHERE ${cond} AND ${col} IS NULL AND ${edge}) AS e${k}` : `0::bigint AS e${k}`,
      `count(*) FILTER (WHERE abs(${col}) = 'Infinity') AS i${k}`,
      outside ? `count(*) FILTER (WHERE ${outside}) AS r${k}` : `0::bigint AS r${k}`,
    );
    values.push(`('${d.name}', s.d${k}, s.n${k}, s.e${k}, s.i${k}, s.r${k})`);
  });
  return `INSERT INTO ${FEATURE_CHECKS} (tbl, pair, feature, considered, nulls, edge_nulls, infinite, out_of_range)
      SELECT '${table}', %1$L, v.* FROM (
        SELECT ${aggs.join(',\n          ')}
        FROM bqx.%3$I f${join ? ' LEFT JOIN bqx.%2$I b ON b.ts = f.ts' : ''}
        CROSS JOIN (SELECT ${cuts.join(', ')}) c
        WHERE to_char(f.ts AT TIME ZONE 'UTC', 'YYYY-MM') IN (SELECT month FROM ${PARTITION_CHECKS} k WHERE k.tbl = '${table}' AND k.pair = %1$L AND k.stored = k.bars AND k.unmatched = 0)
      ) s CROSS JOIN LATERAL (VALUES
        ${values.join(',\n        ')}
      ) v`;
}

function tableBlock(t: FeatureTable, pairs: readonly string[]): string {
  ident(t.name); // throws unless the catalog's table name is a safe identifier
  const rows = `INSERT INTO ${PARTITION_CHECKS} (tbl, pair, month, bars, stored, unmatched, duplicates)
      SELECT '${t.name}', %1$L, to_char(coalesce(b.ts, f.ts) AT TIME ZONE 'UTC', 'YYYY-MM'), count(b.ts), count(f.ts),
        count(*) FILTER (WHERE b.ts IS NULL OR f.ts IS NULL), count(f.ts) - count(DISTINCT f.ts)
      FROM bqx.%2$I b FULL JOIN bqx.%3$I f ON f.ts = b.ts GROUP BY 3`;
  const missing = `INSERT INTO ${PARTITION_CHECKS} (tbl, pair, month, bars, stored, unmatched, duplicates)
      SELECT '${t.name}', %1$L, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM'), count(*), 0, count(*), 0 FROM bqx.%2$I GROUP BY 3`;
  const chunks: string[] = [];
  for (let i = 0; i < t.columns.length; i += CHUNK) chunks.push(featureQuery(t.name, t.columns.slice(i, i + CHUNK)));
  const args = `p, 'm1_' || lower(p), '${t.name}_' || lower(p)`;
  return `-- bqx.${t.name}_{pair}: ${t.columns.length} features
DO $bqx$
DECLARE p text;
BEGIN
  FOREACH p IN ARRAY ARRAY[${pairs.map((p) => `'${p}'`).join(', ')}] LOOP
    CONTINUE WHEN to_regclass(format('bqx.%I', 'm1_' || lower(p))) IS NULL;
    IF to_regclass(format('bqx.%I', '${t.name}_' || lower(p))) IS NULL THEN
      EXECUTE format(${template(missing)}, ${args});
      CONTINUE;
    END IF;
    EXECUTE format(${template(rows)}, ${args});
${chunks.map((q) => `    EXECUTE format(${template(q)}, ${args});`).join('\n')}
  END LOOP;
END $bqx$;`;
}

/** The whole script for `tables` (every pair of the fixed list that has bars is checked). */
export function validationSql(tables: readonly FeatureTable[], pairs: readonly string[] = PAIR_NAMES): string {
  for (const p of pairs) if (!PAIR_NAMES.includes(p)) throw new Error(`not one of the 28 pairs: ${p}`);
  for (const r of UNDEFINED_ROWS) if (!UNDEFINED_SQL[r.rows]) throw new Error(`no SQL for the rule "${r.rows}"`);
  const min = NON_NULL_MIN;
  return `-- bqx validation of the PostgreSQL feature tables (generated from the catalog by \`bqx sql validation\`).
-- Run with psql in one session; the figures stay in pg_temp.${PARTITION_CHECKS} and pg_temp.${FEATURE_CHECKS}.
SET client_min_messages = warning;
DROP TABLE IF EXISTS pg_temp.${PARTITION_CHECKS}, pg_temp.${FEATURE_CHECKS};
CREATE TEMP TABLE ${PARTITION_CHECKS} (tbl text, pair text, month text, bars bigint, stored bigint, unmatched bigint, duplicates bigint);
CREATE TEMP TABLE ${FEATURE_CHECKS} (tbl text, pair text, feature text, considered bigint, nulls bigint, edge_nulls bigint, infinite bigint, out_of_range bigint);

${tables.map((t) => tableBlock(t, pairs)).join('\n\n')}

-- Summary: one row per check (partition checks count table × pair × month, feature checks feature × pair).
SELECT 'rows = bars (partition completeness)' AS check, count(*) AS checked, count(*) FILTER (WHERE stored <> bars OR unmatched > 0) AS failed FROM ${PARTITION_CHECKS}
UNION ALL SELECT 'timestamps unique', count(*), count(*) FILTER (WHERE duplicates > 0) FROM ${PARTITION_CHECKS}
UNION ALL SELECT 'non-null after burn-in >= ${100 * min} %', count(*), count(*) FILTER (WHERE considered - edge_nulls > 0 AND (considered - edge_nulls - nulls)::float8 / (considered - edge_nulls) < ${min}) FROM ${FEATURE_CHECKS}
UNION ALL SELECT 'no infinity', count(*), count(*) FILTER (WHERE infinite > 0) FROM ${FEATURE_CHECKS}
UNION ALL SELECT 'declared ranges', count(*), count(*) FILTER (WHERE out_of_range > 0) FROM ${FEATURE_CHECKS};

-- Failures.
SELECT tbl, pair, month, bars, stored, unmatched, duplicates FROM ${PARTITION_CHECKS}
WHERE stored <> bars OR unmatched > 0 OR duplicates > 0 ORDER BY 1, 2, 3;
SELECT tbl, pair, feature, considered, nulls, edge_nulls, infinite, out_of_range FROM ${FEATURE_CHECKS}
WHERE infinite > 0 OR out_of_range > 0 OR (considered - edge_nulls > 0 AND (considered - edge_nulls - nulls)::float8 / (considered - edge_nulls) < ${min}) ORDER BY 1, 2, 3;
`;
}
