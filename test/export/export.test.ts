// bqx export end to end through the real CLI on a small synthetic data set (3 pairs, 2 trading days):
// the validation gate, both layouts to a real S3 API server (moto on loopback) and to a directory,
// multipart uploads through injected faults, SIGKILL then resume, --verify catching a deleted and a
// corrupted object, no secret anywhere, and the files read back by DuckDB (and pyarrow where present).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DuckDBConnection } from '@duckdb/node-api';
import { registry } from '../../src/features/registry.ts';
import { LocalObjectStore } from '../../src/io/objectstore/index.ts';
import { readParquetFile } from '../../src/io/parquet.ts';
import { exportDataSet, ExportRefused } from '../../src/export/index.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { openStore } from '../../src/store/duckdb.ts';
import { bqx } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { computeUnvalidated, memoryDuckDb } from './fixture.ts';
import { bqxAsync, download, getObject, listKeys } from './cli.ts';
import { startFaultProxy } from './fault-proxy.ts';
import { createBucket, DUMMY_CREDENTIALS, motoUnavailable, startMoto, testClient, type Moto } from './moto.ts';

const BUCKET = 'bqx-export';
const PAIRS = ['EURGBP', 'EURUSD', 'GBPUSD'];
const dir = tempDir('bqx-export-');
const noMoto = motoUnavailable();
if (noMoto) console.log(`# skipping the S3 export tests: ${noMoto}`);
const noPyarrow = spawnSync('python3', ['-c', 'import pyarrow'], { encoding: 'utf8' }).status === 0 ? null : 'python3 has no pyarrow';
if (noPyarrow) console.log(`# skipping the pyarrow reader checks: ${noPyarrow}`);

const secrets = [DUMMY_CREDENTIALS.AWS_SECRET_ACCESS_KEY, DUMMY_CREDENTIALS.AWS_ACCESS_KEY_ID];
function assertNoSecret(text: string, where: string) {
  for (const s of secrets) assert.ok(!text.includes(s), `a credential appears in ${where}`);
}

let con: DuckDBConnection;
before(async () => {
  // No validation: the gate must refuse this data set unless forced.
  computeUnvalidated(dir, PAIRS, 5);
  con = await memoryDuckDb();
});
after(() => con?.closeSync());

const q = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjects();
const describeFile = async (path: string) => (await q(`DESCRIBE SELECT * FROM read_parquet('${path}', hive_partitioning = false)`)).map((r) => [String(r.column_name), String(r.column_type)]);

test('the gate: an unvalidated data set is refused by the library and the CLI unless forced', async () => {
  const out = join(dir, 'refused');
  const r = bqx(['export', '--data-dir', dir, '--out', out]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /refusing to export: .*(failed|no validation report).*--force/);
  assert.equal(existsSync(join(out, 'manifest.json')), false);
  const store = await openStore(join(dir, 'bqx.duckdb'));
  try {
    await assert.rejects(exportDataSet(store, { dataDir: dir, out }), ExportRefused);
  } finally {
    await store.close();
  }
  assert.equal(existsSync(out), false, 'nothing written');
  // Nothing selected: an error, and the destination untouched (an empty manifest would remove every object).
  const none = bqx(['export', '--data-dir', dir, '--out', out, '--months', '2030-01', '--force']);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /nothing to export/);
  assert.equal(existsSync(out), false);
});

test('wide layout to a directory: a Hive-partitioned data set DuckDB reads; then the seed layout replaces it', async () => {
  const out = join(dir, 'local');
  const r = bqx(['export', '--data-dir', dir, '--out', out, '--force', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.validated, false, 'a forced export is marked unvalidated');
  assert.equal(manifest.layout, 'wide');
  const glob = join(out, 'features/*/*/*.parquet');
  assert.deepEqual((await q(`SELECT DISTINCT compression FROM parquet_metadata('${glob}')`)).map((x) => x.compression), ['SNAPPY'], 'snappy by default');
  const rows = await q(`SELECT pair, month, count(*)::INTEGER AS n, count(DISTINCT typeof(ts))::INTEGER AS t FROM read_parquet('${glob}', hive_partitioning = true) GROUP BY ALL ORDER BY pair`);
  assert.deepEqual(rows.map((x) => [x.pair, x.month]), PAIRS.map((p) => [p, '2024-06']));
  for (const x of rows) assert.equal(x.n, manifest.files.find((f: { pair: string }) => f.pair === x.pair).rows);
  const types = new Map((await q(`DESCRIBE SELECT * FROM read_parquet('${glob}', hive_partitioning = true)`)).map((c) => [c.column_name, c.column_type]));
  assert.equal(types.get('ts'), 'TIMESTAMP WITH TIME ZONE');
  assert.equal(types.get('month'), 'VARCHAR');
  assert.equal(types.size, manifest.columns.length + 1, 'ts, pair, every feature and target, and the partition column month');
  // Validated from here on: the seed layout carries the validation reports.
  const validated = bqx(['validate', '--data-dir', dir, '--max-partitions', '1']);
  assert.equal(validated.status, 0, validated.stdout + validated.stderr);
  // The same destination in the seed layout: the wide files are removed once the new manifest is in place.
  const seed = JSON.parse(bqx(['export', '--data-dir', dir, '--out', out, '--force', '--layout', 'seed', '--compression', 'zstd', '--json']).stdout);
  assert.equal(seed.removed, 3);
  const codecs = await q(`SELECT DISTINCT compression FROM parquet_metadata('${join(out, 'rate_domain/eurusd_rate_features_2024_06.parquet')}')`);
  assert.deepEqual(codecs.map((x) => x.compression), ['ZSTD']);
  assert.equal(existsSync(join(out, 'features')) && readdirSync(join(out, 'features'), { recursive: true }).some((f) => String(f).endsWith('.parquet')), false);
  assert.equal(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).layout, 'seed');
  assert.equal(bqx(['export', '--verify', '--out', out]).status, 0);
});

test('a local export writes each Parquet file once: the file DuckDB wrote is the inode at the destination', async () => {
  const out = join(dir, 'inode');
  const moved: { key: string; staged: number; placed: number }[] = [];
  const put = LocalObjectStore.prototype.put;
  LocalObjectStore.prototype.put = async function (this: LocalObjectStore, key, source, expect) {
    const staged = typeof source === 'string' ? statSync(source).ino : -1;
    await put.call(this, key, source, expect);
    moved.push({ key, staged, placed: statSync(join(this.location, key)).ino });
  };
  const store = await openStore(join(dir, 'bqx.duckdb'));
  try {
    const r = await exportDataSet(store, { dataDir: dir, out, force: true });
    const parquet = moved.filter((m) => m.key.endsWith('.parquet'));
    assert.deepEqual(parquet.map((m) => m.key).sort(), r.files.map((f) => f.path).sort());
    for (const m of parquet) assert.equal(m.placed, m.staged, `${m.key} was copied`);
  } finally {
    LocalObjectStore.prototype.put = put;
    await store.close();
  }
  assert.deepEqual(readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tmp-/.test(f)), [], 'no temp left');
  assert.equal(existsSync(join(dir, 'export-staging')), false);
  const verify = bqx(['export', '--data-dir', dir, '--out', out, '--verify']);
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
});

describe('S3 (moto on loopback)', { skip: noMoto ?? false }, () => {
  let moto: Moto, c: S3Client;
  const env = DUMMY_CREDENTIALS;
  before(async () => {
    Object.assign(process.env, DUMMY_CREDENTIALS);
    moto = await startMoto();
    await createBucket(moto.endpoint, BUCKET);
    c = testClient(moto.endpoint);
  });
  after(() => { c?.destroy(); moto?.stop(); });
  const s3 = (endpoint: string) => ['--s3-endpoint', endpoint, '--s3-path-style', '--s3-region', 'us-east-1'];

  test('seed layout: the seed\'s folders and names, ts as a UTC timestamp and pair in every file, the catalog says where each column is', async () => {
    const r = await bqxAsync(['export', '--data-dir', dir, '--out', `s3://${BUCKET}/seed/v1`, '--layout', 'seed', '--force', '--max-workers', '2', ...s3(moto.endpoint)], env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /exported to s3:\/\/bqx-export\/seed\/v1 \(seed layout\)/); // validated by the test before
    assert.match(r.stdout, /time .*MB\/s/);
    assert.match(r.stderr, /export: \d+\/\d+ files \(100%\) \| [\d.]+ MB \| [\d.]+ MB\/s/);
    assertNoSecret(r.stdout + r.stderr, 'the output');
    const local = tempDir('bqx-seed-dl-');
    const keys = await download(c, BUCKET, 'seed/v1/', local);
    const m = '2024_06', lower = PAIRS.map((p) => p.toLowerCase());
    const cross = ['arbitrage', 'ccy', 'correlation', 'currency_index', 'dual', 'event', 'market', 'mtf', 'ret_lag', 'sister', 'time'];
    const expected = [
      ...lower.map((p) => `bqx_domain/${p}_bqx_features_${m}.parquet`), 'catalog.json',
      ...cross.map((f) => `cross_features/${f}_features_${m}.parquet`),
      ...readdirSync(join(dir, 'runs')).filter((f) => f.endsWith('.jsonl')).map((f) => `logs/${f}`), 'manifest.json',
      ...lower.map((p) => `rate_domain/${p}_rate_features_${m}.parquet`), ...lower.map((p) => `targets/${p}_targets_${m}.parquet`),
      ...['completeness_report', 'quality_report', 'temporal_causality_report'].flatMap((n) => [`validation/${n}.json`, `validation/${n}.md`]),
    ].sort();
    assert.deepEqual(keys, expected);
    for (const k of keys.filter((k) => !k.endsWith('.parquet'))) assertNoSecret(readFileSync(join(local, k), 'utf8'), k);
    const catalog = JSON.parse(readFileSync(join(local, 'catalog.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(local, 'manifest.json'), 'utf8'));
    // Every file: ts (UTC timestamp), pair, then exactly the columns the catalog places in it.
    const units = buildUnits(registry());
    const lake = (unit: string, pair: string) => readParquetFile(join(dir, 'lake', unit, `pair=${pair}`, 'month=2024-06.parquet'));
    for (const f of manifest.files) {
      const cols = await describeFile(join(local, f.path));
      assert.deepEqual(cols.slice(0, 2), [['ts', 'TIMESTAMP WITH TIME ZONE'], ['pair', 'VARCHAR']], f.path);
      const pattern = (f.pair === '*' ? f.path : f.path.replace(f.pair.toLowerCase(), '{pair}')).replace(m, '{YYYY_MM}');
      const want = catalog.columns.filter((col: { file: string }) => col.file === pattern);
      assert.ok(want.length > 0, f.path);
      assert.deepEqual(cols.slice(2), want.map((col: { name: string }) => [col.name, 'DOUBLE']), f.path);
      const stats = (await q(`SELECT count(*)::INTEGER AS n, string_agg(DISTINCT pair, ',' ORDER BY pair) AS pairs FROM read_parquet('${join(local, f.path)}')`))[0]!;
      assert.equal(stats.n, f.rows, f.path);
      assert.equal(stats.pairs, f.pair === '*' ? PAIRS.join(',') : f.pair, f.path);
    }
    // Values bit for bit: EURUSD's rate-domain file against the stage outputs in the lake.
    const rate = readParquetFile(join(local, `rate_domain/eurusd_rate_features_${m}.parquet`));
    for (const u of units.filter((u) => u.columns.some((col) => col.domain === 'idx'))) {
      const part = lake(u.name, 'EURUSD');
      assert.deepEqual(rate.ts, part.ts);
      for (const col of u.columns.filter((col) => col.domain === 'idx' && col.role === 'feature')) {
        const a = part.columns.get(col.name)!, b = rate.columns.get(col.name)!;
        for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${col.name} row ${i}`);
      }
    }
    // A cross file stacks the pairs, each pair's rows in time order.
    const corr = await q(`SELECT pair, count(*)::INTEGER AS n, bool_and(ts > lag_ts OR lag_ts IS NULL) AS ordered FROM
      (SELECT pair, ts, lag(ts) OVER (PARTITION BY pair ORDER BY rowid) AS lag_ts FROM (SELECT *, row_number() OVER () AS rowid FROM read_parquet('${join(local, `cross_features/correlation_features_${m}.parquet`)}'))) GROUP BY pair ORDER BY pair`);
    assert.deepEqual(corr.map((x) => x.pair), PAIRS);
    assert.ok(corr.every((x) => x.ordered));
    const report = JSON.parse(readFileSync(join(local, 'validation/completeness_report.json'), 'utf8'));
    assert.deepEqual([...new Set(report.summary.map((s: { group: string }) => s.group))], ['completeness']);
    if (!noPyarrow) {
      const py = spawnSync('python3', ['-c', `import pyarrow.parquet as pq, sys
for p in sys.argv[1:]:
    t = pq.read_schema(p).field('ts').type
    assert str(t).startswith('timestamp') and t.tz in ('UTC', '+00:00'), (p, t)
print('ok')`, ...manifest.files.map((f: { path: string }) => join(local, f.path))], { encoding: 'utf8' });
      assert.equal(py.stdout.trim(), 'ok', py.stderr);
    }
    const v = await bqxAsync(['export', '--verify', '--out', `s3://${BUCKET}/seed/v1`, ...s3(moto.endpoint)], env);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /all \d+ objects match manifest\.json/);
  });

  test('wide layout through 500s, 503s, resets and slow responses: multipart, retried, verified, no orphaned parts', async () => {
    const proxy = await startFaultProxy(moto.endpoint, { error500: 0.06, error503: 0.06, reset: 0.06, slow: 0.08, slowMs: 2500 }, 11);
    try {
      const r = await bqxAsync(['export', '--data-dir', dir, '--out', `s3://${BUCKET}/wide`, '--force', '--json', '--part-size', '5', '--s3-timeout', '1',
        '--max-workers', '2', ...s3(proxy.endpoint)], env);
      assert.equal(r.status, 0, r.stderr);
      assertNoSecret(r.stdout + r.stderr, 'the output');
      const res = JSON.parse(r.stdout);
      const faults = proxy.counts.error500 + proxy.counts.error503 + proxy.counts.reset + proxy.counts.slow;
      console.log(`# faults injected: ${JSON.stringify(proxy.counts)}; retries: ${JSON.stringify(res.retries)}; ${(res.uploadedBytes / 1e6).toFixed(1)} MB in ${res.wallMs} ms`);
      assert.ok(faults >= 3, JSON.stringify(proxy.counts));
      assert.ok(res.retries.sdk + res.retries.puts >= faults, 'every fault was retried');
      const head = await c.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'wide/features/pair=EURUSD/month=2024-06/part-0.parquet' }));
      assert.ok((head.ContentLength ?? 0) > 5 << 20, 'the file is larger than a part');
      assert.match(head.ETag ?? '', /-\d+"?$/, 'uploaded in parts');
      assert.equal((await c.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'wide/' }))).Uploads?.length ?? 0, 0);
    } finally {
      await proxy.close();
    }
    const v = await bqxAsync(['export', '--verify', '--out', `s3://${BUCKET}/wide`, ...s3(moto.endpoint)], env);
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });

  test('an export killed with SIGKILL leaves no manifest; started again, it uploads only what is missing', async () => {
    const url = `s3://${BUCKET}/killed`;
    const args = ['export', '--data-dir', dir, '--out', url, '--layout', 'seed', '--force', '--max-workers', '1', ...s3(moto.endpoint)];
    const child = bqxAsync(args, env);
    let present: string[] = [];
    for (let i = 0; i < 2000 && present.length < 3; i++) {
      present = (await listKeys(c, BUCKET, 'killed/')).filter((k) => k.endsWith('.parquet'));
      if (present.length < 3) await new Promise((r) => setTimeout(r, 25));
    }
    child.kill();
    const killed = await child;
    assert.equal(killed.status, null, 'killed before it finished');
    const atKill = await listKeys(c, BUCKET, 'killed/');
    assert.ok(!atKill.includes('manifest.json'), 'no manifest: a reader sees no export');
    const complete = atKill.filter((k) => k.endsWith('.parquet'));
    const r = await bqxAsync([...args, '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.ok(res.skipped >= complete.length && complete.length >= 3, `${res.skipped} objects kept of ${complete.length} uploaded before the kill`);
    assert.equal(res.uploaded + res.skipped, res.files + 8 + readdirSync(join(dir, 'runs')).length, 'every object uploaded or kept');
    const again = JSON.parse((await bqxAsync([...args, '--json'], env)).stdout);
    assert.equal(again.uploaded, 1, 'a third export uploads only the new manifest');
    const v = await bqxAsync(['export', '--verify', '--out', url, ...s3(moto.endpoint)], env);
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });

  test('--verify reports a deleted and a corrupted object and exits 1', async () => {
    const url = `s3://${BUCKET}/seed/v1`;
    const gone = 'seed/v1/targets/eurusd_targets_2024_06.parquet', bad = 'seed/v1/bqx_domain/gbpusd_bqx_features_2024_06.parquet';
    await c.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: gone }));
    const bytes = Buffer.from(await getObject(c, BUCKET, bad));
    bytes[bytes.length >> 1] ^= 0xff; // same size, different content
    await c.send(new PutObjectCommand({ Bucket: BUCKET, Key: bad, Body: bytes }));
    const v = await bqxAsync(['export', '--verify', '--out', url, ...s3(moto.endpoint)], env);
    assert.equal(v.status, 1);
    assert.match(v.stdout, /2 differences from manifest\.json/);
    assert.match(v.stdout, /targets\/eurusd_targets_2024_06\.parquet: missing/);
    assert.match(v.stdout, /bqx_domain\/gbpusd_bqx_features_2024_06\.parquet: sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}/);
  });
});
