// The lake scan from the file statistics the pipeline records while writing (pipeline/colstats.ts): the
// same outcomes as reading every file, used only while the file's checksum matches.
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registry } from '../../src/features/registry.ts';
import type { FeatureDef } from '../../src/features/types.ts';
import { readParquetFile, writeParquetFile } from '../../src/io/parquet.ts';
import { columnStats, MAX_NAN_RUNS, nanRuns, partitionStats } from '../../src/pipeline/colstats.ts';
import { partitionPath } from '../../src/pipeline/lake.ts';
import { loadMonthIndex } from '../../src/pipeline/plan.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { scanLake } from '../../src/validate/scan.ts';
import { doneManifests, resolveScope } from '../../src/validate/scope.ts';
import { Tally } from '../../src/validate/tally.ts';
import { tempDir } from '../helpers/tmp.ts';
import { BASELINE_TS, marketStore, PAIRS } from './helpers.ts';

test('column statistics: NaN runs, infinities, range violations and outliers, by hand', () => {
  const def = { name: 'x', range: [0, 4] } as unknown as FeatureDef;
  const col = Float64Array.from([NaN, NaN, 1, Infinity, 5, NaN, -Infinity, 2]);
  const s = columnStats(def, col, new Float64Array(col.length));
  assert.deepEqual(s.nan, [0, 2, 5, 6]);
  assert.deepEqual(s.infinite, [2, 3, 1]); // two, the first at row 3, +∞
  assert.deepEqual(s.range, [1, 4, 5]); // 5 at row 4 is above 4
  // Finite values 1, 5, 2: median 2, MAD 1, robust σ 1.4826: nothing beyond 10σ, but the spread is defined.
  assert.equal(s.outliers, null);
  const flat = columnStats(def, Float64Array.from([1, 1, 1, 1, 40]), new Float64Array(5));
  assert.equal(flat.outliers, undefined); // MAD 0: robust z undefined
  // Scattered NaN rows: the worker keeps no runs beyond the cap (validation then reads the column).
  const n = 2 * (MAX_NAN_RUNS + 1);
  const alternating = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? NaN : i));
  assert.equal(partitionStats([def], new Float64Array(n), [['x', alternating]]).columns.x!.nan, null);
  assert.equal(nanRuns(alternating)!.length, 2 * (MAX_NAN_RUNS + 1));
});

test('the lake scan from recorded statistics equals the scan of every file; a file changed since is read again', async () => {
  const { store } = await marketStore();
  const dir = tempDir('bqx-stats-');
  try {
    // ti: one manifest per pair (extra.stats); arb: a month unit, one manifest for every pair (extra.outputs).
    const run = await runPipeline(store, { dataDir: dir, stages: ['ti', 'arb'], months: ['2024-07'], maxWorkers: 1, retries: 0, force: false, baselineTs: BASELINE_TS });
    assert.equal(run.status, 'done');
    const units = buildUnits(registry()).filter((u) => u.name === 'ti' || u.name === 'arb');
    const scan = async () => {
      const manifests = await store.getManifests();
      const index = await loadMonthIndex(store);
      const tally = new Tally();
      const r = await scanLake({ store, dataDir: dir, scope: resolveScope(units, index, manifests, { months: ['2024-07'] }), index, done: doneManifests(manifests), tally });
      const defs = units.flatMap((u) => u.columns);
      return { r, tally, results: defs.map((d) => [d.name, tally.resultsOf(d.name), r.nonNull.get(d.name), r.outliers(d.name)]), findings: tally.findings };
    };
    const fromStats = await scan();
    assert.deepEqual([fromStats.r.statsUsed, fromStats.r.filesRead], [6, 0]); // ti and arb × 3 pairs
    assert.ok(fromStats.findings.length > 0 && fromStats.results.every(([, r]) => r && Object.keys(r).length > 0));

    // The oracle: the same scan reading every file (the statistics removed from the manifests).
    const recorded = await store.getManifests();
    for (const m of recorded) {
      const { stats, outputs, ...rest } = m.extra as { stats?: unknown; outputs?: Record<string, Record<string, unknown>> };
      assert.ok(stats !== undefined || outputs !== undefined, `${m.stage} ${m.pair}: statistics recorded`);
      const bare = outputs ? { ...rest, outputs: Object.fromEntries(Object.entries(outputs).map(([p, { stats: _s, ...o }]) => [p, o])) } : rest;
      await store.putManifest({ ...m, extra: bare });
    }
    const fromFiles = await scan();
    assert.deepEqual([fromFiles.r.statsUsed, fromFiles.r.filesRead], [0, 6]);
    assert.deepEqual(fromStats.results, fromFiles.results);
    assert.deepEqual(fromStats.findings, fromFiles.findings);
    assert.deepEqual([...fromStats.r.rows], [...fromFiles.r.rows]);

    // The statistics back; then one file changes after they were recorded: it is read, its defect found.
    for (const m of recorded) await store.putManifest(m);
    const arb = units.find((u) => u.name === 'arb')!;
    const path = partitionPath(dir, 'arb', PAIRS[1], '2024-07');
    const part = readParquetFile(path);
    const name = arb.columns[0]!.name;
    part.columns.get(name)![100] = Infinity;
    writeParquetFile(path, { ts: part.ts, columns: arb.columns.map((c) => [c.name, part.columns.get(c.name)!] as const) });
    const changed = await scan();
    assert.deepEqual([changed.r.statsUsed, changed.r.filesRead], [5, 1]);
    assert.equal(fromStats.tally.resultsOf(name).finite, 'pass');
    assert.equal(changed.tally.resultsOf(name).finite, 'fail');
    assert.ok(changed.findings.some((f) => f.check === 'finite' && f.pair === PAIRS[1] && f.ts === new Date(part.ts[100]!).toISOString().slice(0, 16) + 'Z'));

    // Which files are hashed: one rewritten with its recorded bytes is from its statistics again (its
    // checksum matches although it was modified after its manifest); one whose modification time is set
    // back before its manifest finished but whose size differs is still read.
    const tiPath = partitionPath(dir, 'ti', PAIRS[0], '2024-07');
    writeFileSync(tiPath, readFileSync(tiPath));
    const frame = { ts: part.ts, columns: arb.columns.map((c) => [c.name, part.columns.get(c.name)!] as const) };
    const written = writeParquetFile(path, frame, { metadata: { note: 'rewritten' } }); // the footer grows
    const arbManifest = recorded.find((m) => m.stage === 'arb')!;
    assert.notEqual(written.bytes, (arbManifest.extra.outputs as Record<string, { bytes: number }>)[PAIRS[1]]!.bytes);
    const finished = arbManifest.finishedAt;
    utimesSync(path, new Date(finished - 60_000), new Date(finished - 60_000));
    const touched = await scan();
    assert.deepEqual([touched.r.statsUsed, touched.r.filesRead], [5, 1]);
  } finally {
    await store.close();
  }
});
