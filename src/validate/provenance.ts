// Checks (1) static declarations and (7) model-fit provenance. A family that fits a model records each fit
// with ctx.note (kept in the partition's manifest `extra`, key "<family>: <note>") as objects carrying
// `segmentStart` (the first row the model is applied to) and `windowStart`/`windowEnd` (the rows it was
// fitted on, null when it was not fitted) — as regime's hmm_fits do. A fit must end before it is applied.
import { isoMinute } from '../core/time.ts';
import type { FeatureDef } from '../features/types.ts';
import type { Unit } from '../pipeline/units.ts';
import type { FeatureSink, Tally } from './tally.ts';

/** (1): a feature declares lookahead 0; a target declares the rows of future it reads. */
export function checkStatic(units: readonly Unit[], tally: Tally): void {
  for (const u of units) {
    for (const c of u.columns) {
      if (c.role === 'target') {
        if (c.lookahead > 0) tally.feature('static', c.name, 'target');
        else tally.feature('static', c.name, 'fail', { unit: u.name, message: `target ${c.name} declares lookahead ${c.lookahead}: a target must declare the future rows it reads` });
      } else if (c.lookahead === 0) tally.feature('static', c.name, 'pass');
      else tally.feature('static', c.name, 'fail', { unit: u.name, message: `feature ${c.name} declares lookahead ${c.lookahead} (must be 0)` });
    }
  }
}

interface Fit { readonly segmentStart: string; readonly windowStart: string | null; readonly windowEnd: string | null }

function isFit(v: unknown): v is Fit {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.segmentStart === 'string' && 'windowEnd' in o;
}

/** Every fit record inside a note value (arrays and nested objects are searched). */
function fitsIn(v: unknown, out: Fit[]): Fit[] {
  if (isFit(v)) out.push(v);
  else if (Array.isArray(v)) for (const x of v) fitsIn(x, out);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) fitsIn(x, out);
  return out;
}

/** Why a fit is not causal, or null. */
function violation(f: Fit): string | null {
  if (f.windowEnd === null) return null;
  const applied = Date.parse(f.segmentStart), end = Date.parse(f.windowEnd);
  if (!(end < applied)) return `fitted on rows up to ${isoMinute(end)} but applied from ${isoMinute(applied)}`;
  if (f.windowStart !== null && !(Date.parse(f.windowStart) <= end)) return `fit window starts at ${f.windowStart}, after its end ${f.windowEnd}`;
  return null;
}

export interface FitSource { readonly unit: Unit; readonly pair: string; readonly month: string; readonly where: string }

/**
 * (7) on the notes of one computation (a manifest's extra or a recomputation's notes). Returns the number
 * of fits seen; each feature of a family that noted fits gets pass or fail.
 */
export function checkFits(notes: Readonly<Record<string, unknown>>, src: FitSource, tally: FeatureSink): number {
  let seen = 0;
  const byFamily = new Map<string, FeatureDef[]>();
  for (const c of src.unit.columns) byFamily.set(c.family, [...(byFamily.get(c.family) ?? []), c]);
  for (const [key, value] of Object.entries(notes)) {
    const family = key.split(': ')[0]!;
    const features = byFamily.get(family);
    if (!features) continue;
    const fits = fitsIn(value, []);
    if (fits.length === 0) continue;
    seen += fits.length;
    const bad = fits.map((f) => [f, violation(f)] as const).find(([, v]) => v !== null);
    for (const c of features) {
      if (!bad) tally.feature('model_fit', c.name, 'pass');
      else {
        tally.feature('model_fit', c.name, 'fail', {
          unit: src.unit.name, pair: src.pair, month: src.month, ts: isoMinute(Date.parse(bad[0].segmentStart)),
          message: `${c.name} ${src.pair} ${src.month}: ${family} model (${key}, ${src.where}) ${bad[1]}`,
        });
      }
    }
  }
  return seen;
}
