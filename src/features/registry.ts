// The registry: every family module, and the catalog of the 730 features + 15 targets they declare.
// It checks itself at load (DESIGN.md "features/"): unique names, 268/254/208 by domain, 15 targets,
// lookahead 0 for every feature, lookbacks within the warm-up budget, the range rule in every bounded
// feature's notes.
import { BOUND_NOTE } from '../core/bounds.ts';
import type { Domain, Family, FeatureDef, StageName } from './types.ts';
import { FAMILIES } from './families/index.ts';

export const EXPECTED = { idx: 268, bqx: 254, cross: 208, targets: 15 } as const;
/** Largest warm-up a feature may declare, in rows (the regime HMM needs about 21,600). */
export const WARMUP_BUDGET = 30_000;

export interface Registry {
  readonly families: readonly Family[];
  /** Features and targets in catalog order (targets last). */
  readonly all: readonly FeatureDef[];
  readonly features: readonly FeatureDef[];
  readonly targets: readonly FeatureDef[];
  readonly byName: ReadonlyMap<string, FeatureDef>;
  readonly familyOf: ReadonlyMap<string, Family>;
}

export function isImplemented(f: Family): boolean {
  return f.partition === 'pair' ? f.compute !== undefined : f.computeMonth !== undefined;
}

/** Builds and checks a registry from families (the real one, or a test's own). Throws on any violation. */
export function buildRegistry(families: readonly Family[], expected: typeof EXPECTED | null = EXPECTED): Registry {
  const byName = new Map<string, FeatureDef>();
  const familyOf = new Map<string, Family>();
  const problems: string[] = [];
  const familyNames = new Set<string>();
  for (const fam of families) {
    if (familyNames.has(fam.name)) problems.push(`family ${fam.name} registered twice`);
    familyNames.add(fam.name);
    for (const f of fam.features) {
      if (byName.has(f.name)) problems.push(`duplicate name ${f.name}`);
      if (f.family !== fam.name) problems.push(`${f.name}: family ${f.family} ≠ ${fam.name}`);
      if (f.stage !== fam.stage) problems.push(`${f.name}: stage ${f.stage} ≠ family stage ${fam.stage}`);
      if (f.role === 'feature' && f.lookahead !== 0) problems.push(`${f.name}: a feature with lookahead ${f.lookahead}`);
      if (f.role === 'target' && f.lookahead <= 0) problems.push(`${f.name}: a target must declare its lookahead`);
      if (!(f.lookback >= 0 && f.lookback <= WARMUP_BUDGET)) problems.push(`${f.name}: lookback ${f.lookback} outside [0, ${WARMUP_BUDGET}]`);
      if (f.range && !f.notes?.endsWith(BOUND_NOTE)) problems.push(`${f.name}: a range without the range rule in its notes`);
      if (!(f.nanPrefix >= 0 && f.nanPrefix <= f.lookback + 1)) problems.push(`${f.name}: nanPrefix ${f.nanPrefix} exceeds lookback ${f.lookback} + 1`);
      byName.set(f.name, f);
      familyOf.set(f.name, fam);
    }
  }
  const all = families.flatMap((f) => f.features);
  const features = all.filter((f) => f.role === 'feature');
  const targets = all.filter((f) => f.role === 'target');
  if (expected) {
    const count = (d: Domain) => features.filter((f) => f.domain === d).length;
    for (const d of ['idx', 'bqx', 'cross'] as const) {
      if (count(d) !== expected[d]) problems.push(`${count(d)} ${d} features, expected ${expected[d]}`);
    }
    if (targets.length !== expected.targets) problems.push(`${targets.length} targets, expected ${expected.targets}`);
  }
  if (problems.length > 0) throw new Error(`feature registry is inconsistent:\n  ${problems.join('\n  ')}`);
  return { families, all: [...features, ...targets], features, targets, byName, familyOf };
}

let cached: Registry | undefined;
/** The registry of bqx (checked once, on first use). */
export function registry(): Registry {
  cached ??= buildRegistry(FAMILIES);
  return cached;
}

export function familiesOfStage(reg: Registry, stage: StageName): Family[] {
  return reg.families.filter((f) => f.stage === stage);
}
