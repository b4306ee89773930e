// bqx start: the demo's warm-up makes every feature live from its first month's first bar; runs that
// would not fit the disk are refused before writing; --skip-validation exports only with --force (marked
// unvalidated); the summary's next steps, including a DuckDB snippet that reads the export as printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEMO_DAYS, demoSpan, warmupWeeks } from '../../src/job/demo.ts';
import { generateMonths } from '../../src/io/synthetic.ts';
import { openStore } from '../../src/store/duckdb.ts';
import { syntheticMonthIndex } from '../../src/pipeline/footprint.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { partitionPath } from '../../src/pipeline/lake.ts';
import { readParquetFile } from '../../src/io/parquet.ts';
import { bqx } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const JULY = Date.UTC(2024, 6, 1);
const LIVE = ['hmm_p_calm', 'hmm_state', 'regime_duration', 'regime_expected_duration'].flatMap((m) => [`regime_idx_${m}`, `regime_bqx_${m}`]);

/** The regime columns of EURUSD's first July row after generating from `from`. */
async function firstJulyRow(from: number, months: number): Promise<Map<string, number>> {
  const dir = tempDir('bqx-start-');
  const store = await openStore(join(dir, 'bqx.duckdb'));
  try {
    for (const { bars } of generateMonths({ pairs: ['EURUSD'], from, months, seed: 42 })) await store.upsertBars('EURUSD', bars.get('EURUSD')!, 'test');
    const r = await runPipeline(store, { dataDir: dir, stages: ['regime'], months: ['2024-07'], maxWorkers: 1, retries: 0, force: false, baselineTs: JULY });
    assert.equal(r.status, 'done');
  } finally {
    await store.close();
  }
  const { columns } = readParquetFile(partitionPath(dir, 'regime', 'EURUSD', '2024-07'));
  return new Map(LIVE.map((c) => [c, columns.get(c)![0]!]));
}

test('the demo span: warm-up weeks before the first month make the regime HMM live from its first bar', async () => {
  assert.equal(warmupWeeks(), 4); // regime's 21,615-row warm-up in 7,200-row trading weeks, rounded up
  const span = demoSpan(JULY, 1);
  assert.equal(new Date(span.genFrom).toISOString(), '2024-06-03T00:00:00.000Z');
  assert.deepEqual(span, { genFrom: span.genFrom, to: undefined, runMonths: ['2024-07'], generatedMonths: ['2024-06', '2024-07'], warmupMonths: ['2024-06'] });
  const warm = await firstJulyRow(span.genFrom, span.generatedMonths.length);
  for (const [c, v] of warm) assert.ok(Number.isFinite(v), `${c} is ${v} on the first July bar despite the warm-up`);
  // Without the warm-up the same columns are NaN there: the test can tell the difference.
  const cold = await firstJulyRow(JULY, 1);
  for (const [c, v] of cold) assert.ok(Number.isNaN(v), `${c} is ${v} without warm-up`);
});

test("the default demo: DEMO_DAYS days of July after the same warm-up; the generator stops there with the full month's bars up to it", () => {
  assert.equal(DEMO_DAYS, 7);
  const JULY_8 = Date.UTC(2024, 6, 8);
  assert.deepEqual(demoSpan(JULY, 1, DEMO_DAYS), { genFrom: Date.UTC(2024, 5, 3), to: JULY_8, runMonths: ['2024-07'], generatedMonths: ['2024-06', '2024-07'], warmupMonths: ['2024-06'] });
  // Days past the month end reach into the next month; days win over months.
  assert.deepEqual(demoSpan(JULY, 3, 40).runMonths, ['2024-07', '2024-08']);
  const pairs = ['EURUSD', 'USDJPY'];
  const cut = [...generateMonths({ pairs, from: Date.UTC(2024, 5, 3), months: 2, to: JULY_8, seed: 9 })];
  const full = [...generateMonths({ pairs, from: Date.UTC(2024, 5, 3), months: 2, seed: 9 })];
  const est = syntheticMonthIndex({ pairs, from: Date.UTC(2024, 5, 3), months: 2, to: JULY_8 }).get('USDJPY')!;
  for (const k of [0, 1]) {
    for (const p of pairs) {
      const a = cut[k]!.bars.get(p)!, b = full[k]!.bars.get(p)!;
      const n = b.ts.findIndex((t) => t >= JULY_8);
      const keep = n < 0 ? b.ts.length : n;
      assert.equal(a.ts.length, keep, `${p} ${cut[k]!.month}`);
      assert.deepEqual([...a.close], [...b.close.subarray(0, keep)], `${p} ${cut[k]!.month}: the cut market is the full one's prefix`);
    }
    const bars = cut[k]!.bars.get('USDJPY')!.ts.length;
    assert.ok(bars <= est[k]!.bars && bars > est[k]!.bars - 300, `footprint rows ${est[k]!.bars} vs generated ${bars}`);
  }
  // July 1–7 2024: Monday 00:00 – Friday 17:00 New York (21:00 UTC), then Sunday 21:00 UTC to midnight.
  assert.equal(est[1]!.bars, (4 * 24 + 21) * 60 + 3 * 60);
});

test('runs that would not fit the disk are refused up front, with needed, free and how to reduce', () => {
  const dir = tempDir('bqx-start-');
  const gen = bqx(['generate', '--data-dir', join(dir, 'g'), '--months', '12000']);
  assert.equal(gen.status, 1);
  assert.match(gen.stderr, /^bqx generate: not enough disk space: generate needs about [\d.]+ [GT]B .* free on .*Reduce it: fewer months or pairs \(--months, --pairs\), another --data-dir on a larger disk\n$/);
  assert.ok(!existsSync(join(dir, 'g', 'bqx.duckdb')), 'generate wrote before refusing');
  const start = bqx(['start', '--data-dir', join(dir, 's'), '--generate-months', '600'], { cwd: dir });
  assert.equal(start.status, 1);
  assert.match(start.stderr, /^bqx start: not enough disk space: start needs about [\d.]+ [GT]B \(store \(bars\) .*, lake base .*, export .*\) .*--generate-months N on an empty store/);
  assert.equal(start.stderr.trim().split('\n').length, 1);
  assert.deepEqual(readdirSync(join(dir, 's')).filter((f) => !f.startsWith('bqx.duckdb')), [], 'start wrote bars or partitions before refusing');
});

test('start --skip-validation exports only with --force, marked unvalidated; the summary leads somewhere', async () => {
  const dir = tempDir('bqx-start-');
  const data = join(dir, 'data');
  const gen = bqx(['generate', '--data-dir', data, '--pairs', 'EURUSD,GBPUSD,EURGBP', '--from', '2024-07-25', '--months', '1']);
  assert.equal(gen.status, 0, gen.stderr);
  const out = join(dir, 'bqx-data', 'export'); // config exportDir, relative to the working directory
  const refused = bqx(['start', '--data-dir', data, '--skip-validation', '--quiet', '--max-workers', '1'], { cwd: dir });
  assert.equal(refused.status, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /validation skipped and no validation report .*: nothing exported .*--skip-validation --force/);
  assert.ok(!existsSync(join(out, 'manifest.json')), 'exported without --force');

  const forced = bqx(['start', '--data-dir', data, '--skip-validation', '--force', '--quiet', '--max-workers', '1'], { cwd: dir });
  assert.equal(forced.status, 0, forced.stdout + forced.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { validated: boolean; validation: { message: string }; files: { pair: string; rows: number }[] };
  assert.equal(manifest.validated, false);
  assert.match(manifest.validation.message, /^exported with --force: /);
  assert.deepEqual(manifest.files.map((f) => f.pair).sort(), ['EURGBP', 'EURUSD', 'GBPUSD']);
  const s = forced.stdout;
  assert.match(s, /^Made$/m);
  assert.match(s, /validation +skipped: exported UNVALIDATED \(--force\)/);
  assert.match(s, /^Next$/m);
  for (const next of [/npx bqx serve/, /npx bqx features rsi_idx_w15/, /npx bqx ingest \.\.\/shared\/data\/real-fx\//, /npx bqx doctor/]) assert.match(s, next);
  // The printed Python snippet's query, run by DuckDB as printed, reads EURUSD's exported rows.
  const sql = /duckdb\.sql\("(.*)"\)\.df\(\)/.exec(s)?.[1];
  assert.ok(sql, 'no DuckDB snippet in the summary');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    await con.run(`SET file_search_path = '${dir}'`);
    const rows = (await con.runAndReadAll(`SELECT count(*)::INTEGER AS n, count(DISTINCT pair)::INTEGER AS p FROM (${sql})`)).getRowObjects()[0]!;
    assert.deepEqual(rows, { n: manifest.files.filter((f) => f.pair === 'EURUSD').reduce((n, f) => n + f.rows, 0), p: 1 });
  } finally {
    con.closeSync();
  }
});
