// `bqx sql views`: the helper views the seed's orchestration expects (stage_2_3_4_create_helper_views),
// generated from the catalog over the feature tables that exist when the script runs:
// - bqx.currency_indices (ts, currency, currency_index): each of the 8 currency indices I_c (FEATURES.md
//   §9 ci), read from the first loaded pair (fixed pair order) that has c as base or quote;
// - bqx.triangle_residuals (ts, pair, slot, third_currency, legs, residual_bp, zscore): the six
//   triangle residuals of every loaded pair in long form, with the slot's third currency and legs
//   (features/cross/slots.ts).
import { CURRENCIES, PAIR_NAMES, pairInfo } from '../core/currencies.ts';
import { slotMap } from '../features/cross/slots.ts';
import { tableOfColumn, type FeatureTable } from '../features/tables.ts';
import { featureTable, ident } from '../store/postgres/feature-ddl.ts';

/** A branch of the view, added when its table exists (identifiers from the catalog and the pair list). */
const branch = (table: string, select: string) => `IF to_regclass('${table}') IS NOT NULL THEN parts := parts || $v$${select}$v$::text;`;

function viewBlock(view: string, branches: string[]): string {
  return `DO $bqx$
DECLARE parts text[] := '{}';
BEGIN
  ${branches.join('\n  ')}
  DROP VIEW IF EXISTS ${view};
  IF cardinality(parts) > 0 THEN
    EXECUTE 'CREATE VIEW ${view} AS ' || array_to_string(parts, ' UNION ALL ');
  ELSE
    RAISE NOTICE '${view}: no feature table loaded, view not created';
  END IF;
END $bqx$;`;
}

export function viewsSql(tables: readonly FeatureTable[]): string {
  const of = tableOfColumn(tables);
  const table = (col: string) => {
    const t = of.get(col);
    if (!t) throw new Error(`no feature table holds ${col}`);
    return t;
  };
  const arb = table('tri_resid_1');
  const indices = CURRENCIES.map((c) => {
    const candidates = PAIR_NAMES.filter((p) => pairInfo(p).base === c || pairInfo(p).quote === c).map((p) => {
      const col = pairInfo(p).base === c ? 'base_currency_index' : 'quote_currency_index';
      const t = featureTable(table(col), p);
      return `to_regclass('${t}') IS NOT NULL THEN parts := parts || $v$SELECT ts, '${c}'::text AS currency, ${ident(col)} AS currency_index FROM ${t}$v$::text;`;
    });
    return `-- ${c}\n  IF ${candidates.join('\n  ELSIF ')}\n  END IF;`;
  });
  const triangles = PAIR_NAMES.map((p) => {
    const t = featureTable(arb, p);
    const slots = slotMap(p).filter((s) => s.slot.startsWith('tri_')).map((s) => {
      const k = s.slot.slice('tri_'.length);
      return `SELECT ts, '${p}'::text AS pair, ${k} AS slot, '${s.fills}'::text AS third_currency, '${s.detail}'::text AS legs, ${ident(`tri_resid_${k}`)} AS residual_bp, ${ident(`tri_z_${k}`)} AS zscore FROM ${t}`;
    });
    return `${branch(t, slots.join(' UNION ALL '))} END IF;`;
  });
  return `-- bqx helper views over the PostgreSQL feature tables (generated from the catalog by \`bqx sql views\`).
-- Each view covers the feature tables loaded when this script runs: run it again after loading more pairs.
CREATE SCHEMA IF NOT EXISTS bqx;

-- bqx.currency_indices (ts, currency, currency_index): I_c = 100 · exp(ℓ_c(t) − ℓ_c(t₀)), FEATURES.md §9 ci.
${viewBlock('bqx.currency_indices', indices)}

-- bqx.triangle_residuals (ts, pair, slot, third_currency, legs, residual_bp, zscore): FEATURES.md §9 arb.
${viewBlock('bqx.triangle_residuals', triangles)}
`;
}
