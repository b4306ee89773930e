// Completeness, quality and the stored-output side of the boundary check, on partitions stored the way
// the pipeline stores them, with planted defects at known rows; the reports, the run record and the
// export gate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isoMinute } from '../../src/core/time.ts';
import { feature } from '../../src/features/define.ts';
import type { Family, FeatureDef } from '../../src/features/types.ts';
import { latestValidation, validate, validationGate, type Finding, type ValidationReport } from '../../src/validate/index.ts';
import { BASELINE_TS, computeStored, marketStore, storePartition, trailingMean, unitsOf, PAIRS } from './helpers.ts';

const def = (name: string, lookback: number, extra: Partial<FeatureDef> = {}) =>
  feature({ name, family: 'q', domain: 'idx', stage: 'base', kernel: 'test', lookback, description: `test feature ${name}`, ...extra });

const q: Family = {
  name: 'q', stage: 'base', version: 1, partition: 'pair',
  features: [
    def('q_mean', 9),
    def('q_prob', 1, { range: [0, 1] }),
    def('q_flag', 1, { discrete: [0, 1] }),
    def('q_vol', 14, { inputs: ['volume'] }),
    def('q_wave', 0, { inputs: [] }),
    def('q_ratio', 1),
    def('q_sparse', 9),
  ],
  compute(f, out) {
    trailingMean(f.close, 10, out('q_mean'));
    trailingMean(f.close, 10, out('q_sparse'));
    trailingMean(f.volume, 15, out('q_vol'));
    const p = out('q_prob'), g = out('q_flag'), w = out('q_wave'), r = out('q_ratio');
    for (let t = 0; t < f.n; t++) {
      const d = t > 0 ? f.close[t]! / f.close[t - 1]! - 1 : NaN;
      p[t] = 1 / (1 + Math.exp(-1e4 * d));
      g[t] = t > 0 ? (d > 0 ? 1 : 0) : NaN;
      r[t] = 1e4 * d;
      w[t] = Math.sin(f.ts[t]! / 60_000 * 0.7); // bounded: no outlier of its own
    }
  },
};
const units = unitsOf([q]);
const unit = units[0]!;

// EURGBP has no volume (as HistData): its volume feature is unavailable, not failed.
const { store } = await marketStore((pair, b) => { if (pair === 'EURGBP') b.volume.fill(0); });
const dataDir = mkdtempSync(join(tmpdir(), 'bqx-validate-'));
const planted: Record<string, { pair: string; ts: number }> = {};

for (const pair of PAIRS) {
  for (const month of ['2024-06', '2024-07']) {
    if (pair === 'EURUSD' && month === '2024-06') continue; // never computed
    let { ts, columns } = await computeStored(store, unit, pair, month);
    const plant = (name: string, row: number, value: number) => { columns.get(name)![row] = value; planted[name] = { pair, ts: ts[row]! }; };
    if (pair === 'EURUSD' && month === '2024-07') {
      plant('q_prob', 6000, 1.5);
      plant('q_flag', 6001, 0.5);
      plant('q_ratio', 6002, Infinity);
      plant('q_wave', 7000, 1e6);
      plant('q_mean', 100, columns.get('q_mean')![100]! * (1 + 1e-6)); // inside the boundary check's window
      const sparse = columns.get('q_sparse')!;
      for (let i = 0; i < sparse.length; i += 25) sparse[i] = NaN; // 4 % NaN
    }
    if (pair === 'GBPUSD' && month === '2024-07') { // row 3000 lost
      planted.dropped = { pair, ts: ts[3000]! };
      const keep = (c: Float64Array) => Float64Array.from([...c.subarray(0, 3000), ...c.subarray(3001)]);
      ts = keep(ts);
      columns = new Map([...columns].map(([k, v]) => [k, keep(v)]));
    }
    if (pair === 'EURGBP' && month === '2024-06') { ts = ts.slice(); ts[100] = ts[99]!; planted.duplicate = { pair, ts: ts[99]! }; }
    await storePartition(store, dataDir, unit, pair, month, ts, columns);
  }
}
await store.putRun({ id: 'run-1', startedAt: 1_000, finishedAt: 2_000, status: 'done', command: 'run', summary: { note: 'kept' } });
const report: ValidationReport = await validate(store, {
  dataDir, runId: 'run-1', baselineTs: BASELINE_TS, months: ['2024-06', '2024-07'], units, budget: 1e6,
});

const byCheck = (check: string) => report.summary.find((s) => s.check === check)!;
const first = (name: string, check: string, outcome = 'fail'): Finding | undefined =>
  report.findings.find((f) => f.feature === name && f.check === check && f.outcome === outcome);

test('every partition of the scope went through the battery', () => {
  assert.equal(report.partitions.filter((p) => p.cuts.length > 0).length, 6);
});

test('rows: a lost row, a duplicated timestamp and a partition never computed are each a failure', () => {
  assert.deepEqual([byCheck('rows').checked, byCheck('rows').failed], [6, 3]);
  const rows = report.findings.filter((f) => f.check === 'rows');
  assert.ok(rows.some((f) => f.pair === 'EURUSD' && f.month === '2024-06' && /not computed/.test(f.message)));
  assert.ok(rows.some((f) => f.pair === 'GBPUSD' && f.ts === isoMinute(planted.dropped!.ts)), JSON.stringify(rows));
  assert.ok(rows.some((f) => f.pair === 'EURGBP' && f.month === '2024-06'));
  assert.deepEqual([byCheck('timestamps').checked, byCheck('timestamps').failed], [5, 1]);
  assert.equal(report.findings.find((f) => f.check === 'timestamps')!.ts, isoMinute(planted.duplicate!.ts));
});

test('quality: out-of-range, non-member and infinite values fail with the first offending row', () => {
  for (const [name, check] of [['q_prob', 'range'], ['q_flag', 'range'], ['q_ratio', 'finite']] as const) {
    const f = first(name, check);
    assert.ok(f, `${name} ${check} not caught`);
    assert.equal(f.ts, isoMinute(planted[name]!.ts));
    assert.ok(f.message.includes(name) && f.message.includes(f.ts!), f.message);
  }
  assert.deepEqual([byCheck('range').failed, byCheck('finite').failed], [2, 1]);
});

test('outliers are counted and reported, not failed', () => {
  const f = report.features.find((x) => x.name === 'q_wave')!;
  assert.equal(f.outliers, 1);
  assert.equal(f.results.outliers, 'info');
  assert.equal(first('q_wave', 'outliers', 'info')!.ts, isoMinute(planted.q_wave!.ts));
  assert.equal(byCheck('outliers').failed, 0);
});

test('completeness: 4 % NaN fails; a volume feature on a source without volume is unavailable', () => {
  const sparse = first('q_sparse', 'non_null')!;
  assert.equal(sparse.pair, 'EURUSD');
  assert.match(sparse.message, /96\.00 % non-null/);
  assert.equal(report.features.find((x) => x.name === 'q_vol')!.results.non_null, 'unavailable');
  const vol = first('q_vol', 'non_null', 'unavailable')!;
  assert.equal(vol.pair, 'EURGBP');
  assert.match(vol.message, /the source has no volume/);
  assert.equal(report.features.find((x) => x.name === 'q_mean')!.nonNull, 1);
});

test('boundary: a stored value 1e-6 off the continuous run fails at that row; the other columns pass', () => {
  const f = first('q_mean', 'boundary')!;
  assert.equal(f.ts, isoMinute(planted.q_mean!.ts));
  assert.match(f.message, /2024-07 as stored/);
  assert.equal(report.features.find((x) => x.name === 'q_wave')!.results.boundary, 'pass');
  assert.equal(report.passed, false);
});

test('reports: JSON and Markdown written, summary first; the run record keeps its summary and gains the validation', async () => {
  const dir = join(dataDir, 'reports', 'run-1');
  const json = JSON.parse(readFileSync(join(dir, 'validation.json'), 'utf8'));
  assert.equal(json.runId, 'run-1');
  assert.equal(json.passed, false);
  const md = readFileSync(join(dir, 'validation.md'), 'utf8');
  assert.ok(md.startsWith('# Validation run-1: FAILED'));
  assert.ok(md.indexOf('## Summary') < md.indexOf('## Failures') && md.indexOf('## Failures') < md.indexOf('## Features'));
  const run = (await store.getRuns()).find((r) => r.id === 'run-1')!;
  assert.equal(run.summary.note, 'kept');
  assert.equal((run.summary.validation as { passed: boolean }).passed, false);
  assert.equal(latestValidation(dataDir)!.runId, 'run-1');
});

test('export gate: refuses a failed validation; passes a clean one until a partition changes', async () => {
  assert.equal((await validationGate(store, dataDir, {}, units)).ok, false);
  const clean = unitsOf([{ ...q, features: q.features.filter((f) => f.name === 'q_mean'), compute: (f, out) => trailingMean(f.close, 10, out('q_mean')) }]);
  const s2 = (await marketStore()).store;
  const dir2 = mkdtempSync(join(tmpdir(), 'bqx-validate-'));
  for (const pair of PAIRS) {
    const { ts, columns } = await computeStored(s2, clean[0]!, pair, '2024-07');
    await storePartition(s2, dir2, clean[0]!, pair, '2024-07', ts, columns);
  }
  assert.match((await validationGate(s2, dir2, {}, clean)).message, /no validation/);
  const ok = await validate(s2, { dataDir: dir2, baselineTs: BASELINE_TS, units: clean });
  assert.equal(ok.passed, true, JSON.stringify(ok.findings.filter((f) => f.outcome === 'fail')));
  assert.ok(existsSync(join(dir2, 'reports', ok.runId, 'validation.md')));
  assert.equal((await s2.getRuns()).find((r) => r.id === ok.runId)!.command, 'validate');
  assert.equal((await validationGate(s2, dir2, {}, clean)).ok, true);
  const m = (await s2.getManifests()).find((x) => x.pair === 'EURUSD')!;
  await s2.putManifest({ ...m, dataVersion: 'recomputed' });
  const gate = await validationGate(s2, dir2, {}, clean);
  assert.equal(gate.ok, false);
  assert.match(gate.message, /EURUSD 2024-07 changed since its validation/);
  assert.equal((await validationGate(s2, dir2, { pairs: ['GBPUSD'] }, clean)).ok, true);
  await s2.close();
  await store.close();
  for (const d of [dataDir, dir2]) rmSync(d, { recursive: true, force: true });
});
