// The generated SQL on PostgreSQL 15: the validation script and the helper views of the whole catalog
// run without error, and the SQL validation's figures equal the embedded validator's on the same data
// (a synthetic market with planted defects, stored as the pipeline stores it, loaded by the sync).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Bars } from '../../src/core/types.ts';
import { slotMap } from '../../src/features/cross/slots.ts';
import { feature } from '../../src/features/define.ts';
import { buildRegistry, registry } from '../../src/features/registry.ts';
import { featureTables } from '../../src/features/tables.ts';
import type { Family, FeatureDef } from '../../src/features/types.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { runSqlValidation, SQL_CHECKS } from '../../src/sql/check.ts';
import { validationSql } from '../../src/sql/validation.ts';
import { viewsSql } from '../../src/sql/views.ts';
import { loadPartition } from '../../src/store/postgres/feature-load.ts';
import { openPostgresStore } from '../../src/store/postgres/store.ts';
import { syncFeatures } from '../../src/store/postgres/feature-sync.ts';
import { validate } from '../../src/validate/index.ts';
import { bqx } from '../helpers/cli.ts';
import { rng } from '../helpers/rng.ts';
import { tempDir } from '../helpers/tmp.ts';
import { NO_SERVER } from '../helpers/postgres.ts';
import { freshDatabase } from '../store/pg-features-db.ts';
import { BASELINE_TS, computeStored, marketStore, storePartition, trailingMean, unitsOf, PAIRS } from '../validate/helpers.ts';

// One database per test: both load bqx.m1_eurusd.
const catalogDb = await freshDatabase();
const equalityDb = catalogDb && await freshDatabase();
const noServer = catalogDb ? false : NO_SERVER;

/** Bars into the PostgreSQL store's bqx.m1_{pair} tables, through the store. */
async function putBars(url: string, bars: ReadonlyMap<string, Bars>): Promise<void> {
  const store = await openPostgresStore({ url, pool: 1 });
  try {
    for (const [pair, b] of bars) await store.upsertBars(pair, b, 'test');
  } finally {
    await store.close();
  }
}

test('bqx sql prints the scripts generated from the catalog', () => {
  const tables = featureTables(registry());
  assert.equal(bqx(['sql', 'validation']).stdout, validationSql(tables));
  const bad = bqx(['sql', 'tables']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /expected one of validation, views, load/);
});

test('the whole catalog: validation SQL and views run on PostgreSQL 15', { skip: noServer }, async () => {
  const reg = registry();
  const tables = featureTables(reg);
  const units = buildUnits(reg);
  const r = rng(9);
  // 300 minutes of EURUSD across the June/July boundary; every unit loaded with random values.
  const n = 300, ts = Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 5, 30, 21) + i * 60_000);
  const col = () => Float64Array.from(ts, () => r() * 2 - 1);
  const close = Float64Array.from(ts, () => 1.1 + r() / 100);
  await putBars(catalogDb!.url, new Map([['EURUSD', { ts, open: close, high: close.map((x) => x + 1e-4), low: close.map((x) => x - 1e-4), close, volume: close.map(() => 1) }]]));
  const values = new Map(reg.all.map((d) => [d.name, col()]));
  const july = ts.findIndex((t) => t >= Date.UTC(2024, 6, 1));
  for (const u of units) {
    const mine = tables.filter((t) => t.columns.some((c) => u.columns.includes(c)));
    for (const [month, a, b] of [['2024-06', 0, july], ['2024-07', july, n]] as const) {
      await loadPartition(catalogDb!.pool, mine, { unit: u.name, pair: 'EURUSD', month, dataVersion: 'v', ts: ts.subarray(a, b),
        columns: new Map(u.columns.map((c) => [c.name, values.get(c.name)!.subarray(a, b)])) });
    }
  }
  const v = await runSqlValidation(catalogDb!.pool, units, tables);
  const rows = v.summary.find((s) => s.check === 'rows')!;
  assert.deepEqual([rows.checked, rows.failed], [units.length * 2, 0]);
  assert.equal(v.summary.find((s) => s.check === 'finite')!.checked, reg.all.length);

  // The command line: the same summary and verdict (exit code), the password (trust auth ignores it) never shown.
  const url = catalogDb!.url.replace('postgres@', 'postgres:s3cret-pw@');
  const cli = bqx(['validate', '--db', url, '--json', '--data-dir', tempDir('bqx-sqlval-cli-')]);
  assert.equal(cli.status, 1, cli.stderr); // the random values break declared ranges
  assert.equal(JSON.parse(cli.stdout).sql.passed, v.passed);
  assert.deepEqual(JSON.parse(cli.stdout).sql.summary, v.summary);
  assert.ok(!`${cli.stdout}${cli.stderr}`.includes('s3cret-pw'));


  await catalogDb!.pool.query(viewsSql(tables));
  const ci = (await catalogDb!.pool.query(`SELECT currency, count(*)::int AS n FROM bqx.currency_indices GROUP BY 1 ORDER BY 1`)).rows;
  assert.deepEqual(ci, [{ currency: 'EUR', n }, { currency: 'USD', n }]);
  const eur = (await catalogDb!.pool.query(`SELECT currency_index FROM bqx.currency_indices WHERE currency = 'EUR' ORDER BY ts`)).rows.map((x) => x.currency_index);
  assert.deepEqual(eur, [...values.get('base_currency_index')!]);
  const tri = (await catalogDb!.pool.query(`SELECT slot, third_currency, residual_bp, zscore FROM bqx.triangle_residuals WHERE pair = 'EURUSD' ORDER BY slot, ts`)).rows;
  assert.equal(tri.length, 6 * n);
  for (const [k, s] of slotMap('EURUSD').filter((s) => s.slot.startsWith('tri_')).entries()) {
    const part = tri.slice(k * n, (k + 1) * n);
    assert.ok(part.every((x) => x.slot === k + 1 && x.third_currency === s.fills));
    assert.deepEqual(part.map((x) => x.residual_bp), [...values.get(`tri_resid_${k + 1}`)!]);
    assert.deepEqual(part.map((x) => x.zscore), [...values.get(`tri_z_${k + 1}`)!]);
  }
});

// The embedded validator's own test data (test/validate/lake.test.ts) without the duplicate timestamp,
// which the primary key refuses, and with flat bars and a target reading 5 rows ahead.
const def = (name: string, lookback: number, extra: Partial<FeatureDef> = {}) =>
  feature({ name, family: 'q', domain: 'idx', stage: 'base', kernel: 'test', lookback, description: `test feature ${name}`, ...extra });
const q: Family = {
  name: 'q', stage: 'base', version: 1, partition: 'pair',
  features: [
    def('q_mean', 9), def('q_prob', 1, { range: [0, 1] }), def('q_flag', 1, { discrete: [0, 1] }), def('q_vol', 14, { inputs: ['volume'] }),
    def('q_ratio', 1), def('q_sparse', 9), def('micro_idx_body_ratio', 0, { inputs: ['open', 'high', 'low', 'close'] }),
    def('q_ahead', 0, { role: 'target', lookahead: 5, nanPrefix: 0 }),
  ],
  compute(f, out) {
    trailingMean(f.close, 10, out('q_mean'));
    trailingMean(f.close, 10, out('q_sparse'));
    trailingMean(f.volume, 15, out('q_vol'));
    const p = out('q_prob'), g = out('q_flag'), r = out('q_ratio'), body = out('micro_idx_body_ratio'), ahead = out('q_ahead');
    for (let t = 0; t < f.n; t++) {
      const d = t > 0 ? f.close[t]! / f.close[t - 1]! - 1 : NaN;
      p[t] = 1 / (1 + Math.exp(-1e4 * d));
      g[t] = t > 0 ? (d > 0 ? 1 : 0) : NaN;
      r[t] = 1e4 * d;
      body[t] = Math.abs(f.close[t]! - f.open[t]!) / (f.high[t]! - f.low[t]!);
      ahead[t] = t + 5 < f.n ? f.close[t + 5]! : NaN;
    }
  },
};

test('the SQL validation’s figures equal the embedded validator’s', { skip: noServer }, async () => {
  const units = unitsOf([q]);
  const unit = units[0]!;
  // EURGBP has no volume; every 50th bar of GBPUSD is flat (H = L: body ratio undefined, not missing).
  const { store, bars } = await marketStore((pair, b) => {
    if (pair === 'EURGBP') b.volume.fill(0);
    if (pair === 'GBPUSD') for (let i = 0; i < b.ts.length; i += 50) b.high[i] = b.low[i] = b.close[i] = b.open[i]!;
  });
  const dataDir = tempDir('bqx-sqlval-');
  for (const pair of PAIRS) {
    for (const month of ['2024-06', '2024-07']) {
      if (pair === 'EURUSD' && month === '2024-06') continue; // never computed
      let { ts, columns } = await computeStored(store, unit, pair, month);
      if (pair === 'EURUSD' && month === '2024-07') {
        columns.get('q_prob')![6000] = 1.5;
        columns.get('q_flag')![6001] = 0.5;
        columns.get('q_ratio')![6002] = Infinity;
        const sparse = columns.get('q_sparse')!;
        for (let i = 0; i < sparse.length; i += 25) sparse[i] = NaN; // 4 % NaN
      }
      if (pair === 'GBPUSD' && month === '2024-07') { // row 3000 lost
        const keep = (c: Float64Array) => Float64Array.from([...c.subarray(0, 3000), ...c.subarray(3001)]);
        ts = keep(ts);
        columns = new Map([...columns].map(([k, v]) => [k, keep(v)]));
      }
      await storePartition(store, dataDir, unit, pair, month, ts, columns);
    }
  }
  const embedded = await validate(store, { dataDir, baselineTs: BASELINE_TS, months: ['2024-06', '2024-07'], units, budget: 1e-9, k: 1, write: false });

  await putBars(equalityDb!.url, bars);
  const tables = featureTables(buildRegistry([q], null));
  const sync = await syncFeatures({ pool: equalityDb!.pool, dataDir, units, tables, manifests: await store.getManifests() });
  assert.equal(sync.loaded, 5);
  const sqlv = await runSqlValidation(equalityDb!.pool, units, tables);

  const pick = (s: { check: string; status: string; checked: number; failed: number; unavailable: number; info: number }) =>
    ({ check: s.check, status: s.status, checked: s.checked, failed: s.failed, unavailable: s.unavailable, info: s.info });
  assert.deepEqual(sqlv.summary.map(pick), embedded.summary.filter((s) => SQL_CHECKS.includes(s.check)).map(pick));
  for (const f of embedded.features) assert.equal(sqlv.nonNull.get(f.name), f.nonNull, f.name);
  // Not vacuous: the planted defects are found, and what is expected NaN is not counted.
  const by = (c: string) => sqlv.summary.find((s) => s.check === c)!;
  assert.deepEqual([by('rows').checked, by('rows').failed], [6, 2]); // EURUSD June never computed, GBPUSD July one row short
  assert.deepEqual([by('range').failed, by('finite').failed], [2, 1]);
  assert.deepEqual([by('non_null').failed, by('non_null').unavailable, by('non_null').info], [1, 1, 1]); // q_sparse; q_vol on EURGBP; q_ahead's data end
  assert.equal(sqlv.nonNull.get('micro_idx_body_ratio'), 1);
  await store.close();

});
