// Work units: a stage's families grouped by partition kind. A stage whose families are all per-pair
// (or all per-month) is one unit named after the stage; a stage with both kinds (cross) has two,
// 'cross' (pair × month) and 'cross.month' (month fan-in, one task per month writing every pair).
import { sha256 } from '../core/hash.ts';
import { isImplemented, type Registry } from '../features/registry.ts';
import { STAGES, type Family, type FeatureDef, type StageName } from '../features/types.ts';

export interface Unit {
  readonly name: string;
  readonly stage: StageName;
  readonly kind: 'pair' | 'month';
  /** Implemented families, in registry order. */
  readonly families: readonly Family[];
  /** Their columns, in output order. */
  readonly columns: readonly FeatureDef[];
  /** Rows of history loaded before the partition's first row: the largest declared lookback. */
  readonly warmup: number;
  /** Rows loaded after the partition's last row: the largest declared lookahead (targets). */
  readonly lookahead: number;
  /** sha256 of the families' names and versions and the column definitions. */
  readonly codeVersion: string;
  /** Units whose outputs this unit reads through frame.upstream (names of their columns). */
  readonly upstream: ReadonlyMap<string, readonly string[]>;
}

/** Which upstream columns a family reads: its features' inputs that are other features' names. */
function upstreamInputs(fam: Family, reg: Registry): string[] {
  const own = new Set(fam.features.map((f) => f.name));
  return [...new Set(fam.features.flatMap((f) => f.inputs))].filter((i) => reg.byName.has(i) && !own.has(i));
}

export function buildUnits(reg: Registry): Unit[] {
  const units: Unit[] = [];
  const producer = new Map<string, string>(); // column → unit name
  for (const stage of STAGES) {
    const fams = reg.families.filter((f) => f.stage === stage && isImplemented(f));
    const kinds = (['pair', 'month'] as const).filter((k) => fams.some((f) => f.partition === k));
    for (const kind of kinds) {
      const families = fams.filter((f) => f.partition === kind);
      const columns = families.flatMap((f) => f.features);
      const name = kinds.length > 1 && kind === 'month' ? `${stage}.month` : stage;
      const upstream = new Map<string, string[]>();
      for (const fam of families) {
        for (const col of upstreamInputs(fam, reg)) {
          const from = producer.get(col);
          if (!from) throw new Error(`family ${fam.name} reads ${col}, which no earlier implemented stage computes`);
          upstream.set(from, [...(upstream.get(from) ?? []), col]);
        }
      }
      const codeVersion = sha256(JSON.stringify({
        families: families.map((f) => [f.name, f.version]),
        columns: columns.map((c) => [c.name, c.kernel, c.params, c.lookback, c.inputs]),
      }));
      units.push({
        name, stage, kind, families, columns, upstream, codeVersion,
        warmup: Math.max(0, ...columns.map((c) => c.lookback)),
        lookahead: Math.max(0, ...columns.map((c) => c.lookahead)),
      });
      for (const c of columns) producer.set(c.name, name);
    }
  }
  return units;
}
