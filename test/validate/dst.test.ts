// The weeks around the 2017 daylight-saving changes (US 12 March and 5 November; EU 26 March and 29
// October), real HistData rows of three pairs — USDCAD, whose level moved by several percent between
// the two periods, EURUSD and GBPUSD — loaded as two separate periods, 6–17 March and 26 October–10
// November, then `bqx run` and its validation. Windows span the seven-month gap (positional windows),
// and the targets' last rows before the end of the data are expected NaN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatBars, sliceBars, type Bars } from '../../src/core/types.ts';
import { readHistData } from '../../src/io/ingest/histdata.ts';
import { openStore } from '../../src/store/duckdb.ts';
import { rowAtOrAfter } from '../../src/validate/compare.ts';
import type { ValidationReport } from '../../src/validate/index.ts';
import { bqx } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const DATA = fileURLToPath(new URL('../../../shared/data/real-fx/parrondo__deeptrading/', import.meta.url));
const skip = existsSync(DATA) ? false : 'needs ../shared/data/real-fx (absent)';
const PAIRS = ['EURUSD', 'GBPUSD', 'USDCAD'];
const PERIODS = [[Date.UTC(2017, 2, 6), Date.UTC(2017, 2, 18)], [Date.UTC(2017, 9, 26), Date.UTC(2017, 10, 11)]] as const;
const between = (b: Bars, from: number, to: number) => sliceBars(b, rowAtOrAfter(b.ts, from), rowAtOrAfter(b.ts, to));

test('two periods around the 2017 DST changes, 3 pairs: run and validation pass', { skip }, async () => {
  const dir = tempDir('bqx-dst-');
  const store = await openStore(join(dir, 'bqx.duckdb'));
  try {
    for (const pair of PAIRS) {
      const name = `HISTDATA_COM_ASCII_${pair}_M1_2017.zip`;
      const { bars } = readHistData(new Uint8Array(readFileSync(join(DATA, name))), name);
      await store.upsertBars(pair, concatBars(PERIODS.map(([a, b]) => between(bars, a, b))), 'histdata');
    }
  } finally {
    await store.close();
  }
  const run = bqx(['run', '--data-dir', dir, '--quiet', '--json']);
  const out = run.stdout ? JSON.parse(run.stdout) as { validation?: { runId: string } } : {};
  const path = out.validation ? join(dir, 'reports', out.validation.runId, 'validation.json') : null;
  const report = path && existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) as ValidationReport : null;
  assert.ok(report, `no validation report: ${run.stderr.slice(-1000)}`);
  const fails = report.findings.filter((f) => f.outcome === 'fail');
  // Completeness at the end of the data: the targets' last rows are expected, not failures.
  assert.deepEqual(fails.filter((f) => f.check === 'non_null').map((f) => f.message), []);
  assert.ok(report.findings.some((f) => f.check === 'non_null' && f.outcome === 'info' && /target_bqx_h75 .*: 75 NaN rows at the end of the data/.test(f.message)));
  assert.deepEqual(fails.filter((f) => f.check !== 'warmup' && f.check !== 'boundary').map((f) => `${f.check}: ${f.message}`), []);
  // KERNELS: warm-up doubling and boundary across the seven-month gap depend on the running sums'
  // exactness (rolling moments and regressions whose window spans the level shift); this assertion
  // fails until the kernels are exact across gaps, and is not relaxed here.
  assert.deepEqual(fails.filter((f) => f.check === 'warmup' || f.check === 'boundary').map((f) => `${f.check}: ${f.message}`), []);
  assert.equal(run.status, 0);
  assert.equal(report.passed, true);
});
