// regime leaves the HMM of segments wholly inside the warm-up unfitted (frame.first, kernels/regime-hmm.ts):
// on real EURUSD 2017, a partition computed as the pipeline does (first = the declared warm-up) must equal,
// bit for bit on every column and row of the partition, the same rows computed with every row kept
// (first = 0: nothing skipped, the code path before the skip) — at month starts and at the edges of the
// rule (the partition starting exactly 1,440 rows, regime_duration's reach, after a segment start, or 1 row less).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { sliceBars, type Bars } from '../../src/core/types.ts';
import { registry } from '../../src/features/registry.ts';
import { segmentStarts } from '../../src/features/families/regime.ts';
import { readHistData } from '../../src/io/ingest/histdata.ts';
import { computePairUnit } from '../../src/pipeline/compute.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { rowAt } from '../helpers/market.ts';

const ZIP = new URL('../../../shared/data/real-fx/parrondo__deeptrading/HISTDATA_COM_ASCII_EURUSD_M1_2017.zip', import.meta.url);
const skip = existsSync(ZIP) ? false : 'needs ../shared/data/real-fx (absent)';
const unit = buildUnits(registry()).find((u) => u.name === 'regime')!;

interface Fit { domain: string; status: string }

/** Rows [first, first + count) of `bars` as a pipeline task computes them, and with every loaded row kept. */
function both(bars: Bars, first: number, count: number) {
  const lo = first - unit.warmup;
  assert.ok(lo >= 0);
  const slice = sliceBars(bars, lo, first + count);
  const input = { pair: 'EURUSD', bars: slice, baseline: bars.close[first]! };
  const task = computePairUnit(unit, { ...input, first: first - lo, count });
  const kept = computePairUnit(unit, { ...input, first: 0, count: first + count - lo });
  return { task, kept, offset: first - lo };
}

test('regime: skipping the fits of warm-up segments leaves every partition row bit-identical (real EURUSD 2017)', { skip }, () => {
  const bars = readHistData(readFileSync(ZIP), 'HISTDATA_COM_ASCII_EURUSD_M1_2017.zip').bars;
  const march = rowAt(bars.ts, Date.UTC(2017, 2, 1));
  const segment = segmentStarts(bars.ts).find((s) => s > march)!; // the first row after Saturday 4 March
  const cases = [
    { label: 'February', first: rowAt(bars.ts, Date.UTC(2017, 1, 1)), count: rowAt(bars.ts, Date.UTC(2017, 2, 1)) - rowAt(bars.ts, Date.UTC(2017, 1, 1)) },
    { label: 'July', first: rowAt(bars.ts, Date.UTC(2017, 6, 1)), count: 12_000 },
    { label: 'segment start + 1,440', first: segment + 1_440, count: 9_000 },
    { label: 'segment start + 1,439', first: segment + 1_439, count: 9_000 },
  ];
  for (const { label, first, count } of cases) {
    const { task, kept, offset } = both(bars, first, count);
    const a = task.outputs.get('EURUSD')!, b = kept.outputs.get('EURUSD')!;
    assert.equal(a.columns.length, unit.columns.length);
    for (const [i, [name, col]] of a.columns.entries()) {
      const ref = b.columns[i]![1].subarray(offset);
      assert.equal(col.length, count);
      const same = Buffer.from(col.buffer, col.byteOffset, col.byteLength).equals(Buffer.from(ref.buffer, ref.byteOffset, ref.byteLength));
      assert.ok(same, `${label}: ${name} differs from the computation that keeps every row`);
      assert.ok(col.some((v) => Number.isFinite(v)), `${label}: ${name} has values`);
    }
    // The same segments; those not skipped have the same provenance (window, iterations, logLik …); the
    // task skipped fits in both domains (not vacuous), the computation keeping every row none.
    const fits = (r: typeof task) => r.notes['regime: hmm_fits'] as Fit[];
    const [ft, fk] = [fits(task), fits(kept)];
    assert.equal(ft.length, fk.length);
    ft.forEach((f, i) => { if (f.status !== 'skipped') assert.deepEqual(f, fk[i], `${label}: fit ${i}`); });
    const skipped = ft.filter((f) => f.status === 'skipped');
    assert.ok(skipped.some((f) => f.domain === 'idx') && skipped.some((f) => f.domain === 'bqx'), `${label}: no fit skipped`);
    assert.ok(fk.every((f) => f.status !== 'skipped'));
  }
});
