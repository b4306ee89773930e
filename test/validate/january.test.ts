// The hard place of the real 2017 data: all 28 pairs from the 2 January open (holiday-thin trading, the
// first Sunday open after the New Year gap) to 10 January (a weekend gap included), through `bqx run`
// and its validation. The rows are the HistData files read by the real reader and sliced (a small, fast
// slice that still holds the places where range checks used to fail: flat windows with one jump,
// triangles with 28 pairs). On the holiday, pairs go stale (no bar for > 5 min): fan-in features are NaN
// there by definition, and completeness counts those rows as expected (info), not as failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAIR_NAMES } from '../../src/core/currencies.ts';
import { sliceBars } from '../../src/core/types.ts';
import { readHistData } from '../../src/io/ingest/histdata.ts';
import { openStore } from '../../src/store/duckdb.ts';
import { rowAtOrAfter } from '../../src/validate/compare.ts';
import type { ValidationReport } from '../../src/validate/index.ts';
import { bqx } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const DATA = fileURLToPath(new URL('../../../shared/data/real-fx/parrondo__deeptrading/', import.meta.url));
const skip = existsSync(DATA) ? false : 'needs ../shared/data/real-fx (absent)';
const END = Date.UTC(2017, 0, 11);

test('28 pairs, 2–10 January 2017: run and validation pass', { skip }, async (t) => {
  const dir = tempDir('bqx-january-');
  const store = await openStore(join(dir, 'bqx.duckdb'));
  try {
    for (const pair of PAIR_NAMES) {
      const name = `HISTDATA_COM_ASCII_${pair}_M1_2017.zip`;
      const { bars, defects } = readHistData(new Uint8Array(readFileSync(join(DATA, name))), name);
      assert.equal(defects.length, 0, `${name}: ${defects[0]?.message}`);
      await store.upsertBars(pair, sliceBars(bars, 0, rowAtOrAfter(bars.ts, END)), 'histdata');
    }
  } finally {
    await store.close();
  }
  const run = bqx(['run', '--data-dir', dir, '--months', '2017-01', '--quiet', '--json']);
  const out = run.stdout ? JSON.parse(run.stdout) as { validation?: { runId: string } } : {};
  const reportPath = out.validation ? join(dir, 'reports', out.validation.runId, 'validation.json') : null;
  const report = reportPath && existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) as ValidationReport : null;
  const fails = (r: ValidationReport) => r.findings.filter((f) => f.outcome === 'fail').map((f) => `${f.check}: ${f.message}`);
  assert.deepEqual(report ? fails(report) : [], [], 'validation failures');
  assert.equal(run.status, 0, `${run.stderr.slice(-2000)}\n${run.stdout.slice(-500)}`);
  assert.ok(report, `no validation report: ${run.stdout.slice(0, 500)}`);
  assert.equal(report.passed, true);
  assert.equal(report.features.length, 745);
  // No fan-in feature needs an excuse with every pair loaded.
  assert.equal(report.findings.filter((f) => f.outcome === 'unavailable' && f.check === 'non_null' && !/volume/.test(f.message)).length, 0);
  // The holiday's stale pairs are what the rule excuses.
  const stale = report.findings.filter((f) => f.check === 'non_null' && f.outcome === 'info' && /where a pair it reads is stale/.test(f.message));
  assert.ok(stale.length > 0, 'the 2 January holiday has stale pairs');
  const rows = stale.reduce((n, f) => n + Number(/: (\d+) NaN rows/.exec(f.message)![1]), 0);
  t.diagnostic(`${stale.length} (feature, pair) with stale-pair NaN rows, ${rows} rows in all`);
});
