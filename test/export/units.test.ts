// bqx export --layout units on a small synthetic data set (3 pairs, a few trading days): the lake's own
// files, hard-linked into a directory on the lake's file system and copied to another one, read back by
// DuckDB with pair and month from the path, joined on (ts, pair) into exactly the wide export's rows; a
// recompute after the export leaves the exported file alone and a re-export replaces it; a lake file
// changed behind its manifest's back is refused; to S3 (moto) the files go up byte for byte.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DuckDBConnection } from '@duckdb/node-api';
import { exportDataSet } from '../../src/export/index.ts';
import { readParquetFile } from '../../src/io/parquet.ts';
import { onLakeFileSystem } from '../../src/export/lakefiles.ts';
import { exportFootprint } from '../../src/pipeline/footprint.ts';
import { openStore } from '../../src/store/duckdb.ts';
import { bqx } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { computeUnvalidated, memoryDuckDb } from './fixture.ts';
import { bqxAsync, download } from './cli.ts';
import { createBucket, DUMMY_CREDENTIALS, motoUnavailable, startMoto, testClient, type Moto } from './moto.ts';

const PAIRS = ['EURGBP', 'EURUSD', 'GBPUSD'];
const dir = tempDir('bqx-export-units-');
const noMoto = motoUnavailable();
if (noMoto) console.log(`# skipping the S3 units export test: ${noMoto}`);

interface ManifestFile { path: string; pair: string; month: string; rows: number; bytes: number; sha256: string; from: string; to: string }
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const lakePath = (unit: string, pair: string, month: string) => join(dir, 'lake', unit, `pair=${pair}`, `month=${month}.parquet`);
/** units/<unit>/pair=P/month=M/part-0.parquet → its lake file. */
const lakeOf = (key: string) => {
  const [, unit, pair, month] = /^units\/([^/]+)\/pair=([A-Z]+)\/month=([\d-]+)\/part-0\.parquet$/.exec(key)!;
  return lakePath(unit!, pair!, month!);
};
const readManifest = (out: string) => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));

let con: DuckDBConnection;
before(async () => {
  computeUnvalidated(dir, PAIRS, 7);
  con = await memoryDuckDb();
});
after(() => con?.closeSync());
const q = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjects();

test('units layout to a directory: hard links of the lake files, which DuckDB joins on (ts, pair) into the wide export\'s rows bit for bit', async () => {
  const out = join(dir, 'units'), wide = join(dir, 'wide');
  const r = bqx(['export', '--data-dir', dir, '--out', out, '--layout', 'units', '--force', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  const manifest = readManifest(out), catalog = JSON.parse(readFileSync(join(out, 'catalog.json'), 'utf8'));
  assert.equal(manifest.layout, 'units');
  assert.equal(manifest.compression, 'lz4_raw', 'the lake\'s codec is recorded');
  assert.equal(res.linked, manifest.files.length);
  assert.equal(res.copiedAcrossFileSystems, 0);
  const units = [...new Set(manifest.files.map((f: ManifestFile) => f.path.split('/')[1]))] as string[];
  assert.equal(manifest.files.length, units.length * PAIRS.length);
  for (const f of manifest.files as ManifestFile[]) {
    const exported = statSync(join(out, f.path)), lake = statSync(lakeOf(f.path));
    assert.equal(exported.ino, lake.ino, `${f.path} is not a hard link of its lake file`);
    assert.equal(f.bytes, lake.size);
    assert.equal(f.sha256, sha256(lakeOf(f.path)), f.path);
  }
  // Every unit's files read with pair and month from the path; their columns are the catalog's for that file.
  for (const u of units) {
    const glob = join(out, 'units', u, '*/*/*.parquet');
    const rows = await q(`SELECT pair, month, count(*)::INTEGER AS n FROM read_parquet('${glob}', hive_partitioning = true) GROUP BY ALL ORDER BY pair`);
    assert.deepEqual(rows.map((x) => [x.pair, x.month]), PAIRS.map((p) => [p, '2024-06']), u);
    for (const x of rows) assert.equal(x.n, manifest.files.find((f: ManifestFile) => f.path.startsWith(`units/${u}/pair=${x.pair}/`)).rows);
    const cols = (await q(`DESCRIBE SELECT * FROM read_parquet('${glob}', hive_partitioning = false)`)).map((c) => String(c.column_name));
    const pattern = `units/${u}/pair={PAIR}/month={YYYY-MM}/part-0.parquet`;
    assert.deepEqual(cols, ['ts', ...catalog.columns.filter((c: { file: string }) => c.file === pattern).map((c: { name: string }) => c.name)], u);
  }
  assert.deepEqual(catalog.join.keys, ['ts', 'pair']);
  // DuckDB joins the unit files on (ts, pair) (and month) and writes the rows out; they must be the wide export's, bit for bit.
  const w = bqx(['export', '--data-dir', dir, '--out', wide, '--force']);
  assert.equal(w.status, 0, w.stderr);
  const columns: string[] = readManifest(wide).columns;
  const from = units.map((u, i) => `${i === 0 ? '' : 'JOIN '}read_parquet('${join(out, 'units', u, '*/*/*.parquet')}', hive_partitioning = true) AS u${i}${i === 0 ? '' : ' USING (ts, pair, month)'}`);
  const joinedPath = join(dir, 'joined.parquet');
  await con.run(`COPY (SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM ${from.join(' ')} ORDER BY pair, ts) TO '${joinedPath}' (FORMAT parquet)`);
  const joined = readParquetFile(joinedPath);
  assert.equal(joined.ts.length, manifest.rows);
  assert.deepEqual([...joined.columns.keys()], columns.slice(2));
  let row = 0;
  for (const pair of PAIRS) {
    const wideFile = readParquetFile(join(wide, `features/pair=${pair}/month=2024-06/part-0.parquet`));
    for (let i = 0; i < wideFile.ts.length; i++) assert.equal(joined.ts[row + i], wideFile.ts[i], `${pair} ts row ${i}`);
    for (const [name, col] of wideFile.columns) {
      const got = joined.columns.get(name)!;
      for (let i = 0; i < col.length; i++) if (!Object.is(got[row + i], col[i])) assert.fail(`${pair} ${name} row ${i}: joined ${got[row + i]}, wide ${col[i]}`);
    }
    row += wideFile.ts.length;
  }
  assert.equal(row, manifest.rows);
  const v = bqx(['export', '--verify', '--out', out]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
});

test('a recompute after the export leaves the exported file unchanged; a re-export links the new file', async () => {
  const out = join(dir, 'units');
  const key = 'units/ti/pair=EURUSD/month=2024-06/part-0.parquet';
  const before = statSync(join(out, key)), digest = sha256(join(out, key));
  const run = bqx(['run', '--data-dir', dir, '--quiet', '--json', '--skip-validation', '--stages', 'ti', '--pairs', 'EURUSD', '--force']);
  assert.equal(run.status, 0, run.stderr);
  const lake = statSync(lakePath('ti', 'EURUSD', '2024-06'));
  assert.notEqual(lake.ino, before.ino, 'the lake file was replaced (temp + rename)');
  const kept = statSync(join(out, key));
  assert.equal(kept.ino, before.ino, 'the exported file is the old inode');
  assert.equal(sha256(join(out, key)), digest);
  assert.equal(bqx(['export', '--verify', '--out', out]).status, 0, 'the export still matches its manifest');
  const again = JSON.parse(bqx(['export', '--data-dir', dir, '--out', out, '--layout', 'units', '--force', '--json']).stdout);
  assert.ok(again.linked >= 1 && again.skipped >= 1, JSON.stringify(again));
  assert.equal(statSync(join(out, key)).ino, lake.ino, 're-exported: the new lake file');
  const entry = readManifest(out).files.find((f: ManifestFile) => f.path === key);
  assert.equal(entry.sha256, sha256(lakePath('ti', 'EURUSD', '2024-06')));
  assert.deepEqual(readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tmp-/.test(f)), [], 'no temp left');
  assert.equal(bqx(['export', '--verify', '--out', out]).status, 0);
});

test('to another file system the files are copied (and said so); a lake file changed behind its manifest is refused', async (t) => {
  const shm = '/dev/shm';
  if (!existsSync(shm) || onLakeFileSystem(dir, shm)) return t.skip('no second file system (/dev/shm) here');
  const out = mkdtempSync(join(shm, 'bqx-units-'));
  after(() => rmSync(out, { recursive: true, force: true }));
  const r = bqx(['export', '--data-dir', dir, '--out', out, '--layout', 'units', '--force', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout), manifest = readManifest(out);
  assert.equal(res.linked, 0);
  assert.equal(res.copiedAcrossFileSystems, manifest.files.length);
  for (const f of manifest.files as ManifestFile[]) assert.equal(sha256(join(out, f.path)), sha256(lakeOf(f.path)), f.path);
  // Same size, other bytes, put in place as the lake does (rename) after its manifest was written.
  const victim = lakePath('erm', 'GBPUSD', '2024-06');
  const bytes = readFileSync(victim);
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(`${victim}.edit`, bytes);
  renameSync(`${victim}.edit`, victim);
  const bad = bqx(['export', '--data-dir', dir, '--out', out, '--layout', 'units', '--force']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /erm\/pair=GBPUSD\/month=2024-06\.parquet: the lake file changed since it was computed .*bqx run --force/);
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(`${victim}.edit`, bytes);
  renameSync(`${victim}.edit`, victim);
  assert.equal(bqx(['export', '--data-dir', dir, '--out', out, '--layout', 'units', '--force']).status, 0, 're-hashed: the original bytes pass');
});

test('--compression and --float32 do not apply to the units layout; its hard-linked export needs no disk', async () => {
  for (const flag of [['--compression', 'zstd'], ['--float32']]) {
    const r = bqx(['export', '--data-dir', dir, '--out', join(dir, 'refused'), '--layout', 'units', '--force', ...flag]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${flag[0]} does not apply to --layout units`));
  }
  assert.equal(existsSync(join(dir, 'refused')), false);
  const store = await openStore(join(dir, 'bqx.duckdb'));
  try {
    await assert.rejects(exportDataSet(store, { dataDir: dir, out: join(dir, 'refused'), layout: 'units', float32: true, force: true }), /--float32 does not apply/);
    assert.equal(onLakeFileSystem(dir, join(dir, 'new', 'export')), true);
    assert.equal((await exportFootprint(store, { hardLinks: true })).bytes, 0);
    assert.ok((await exportFootprint(store, {})).bytes > 1e6);
  } finally {
    await store.close();
  }
});

describe('units layout to S3 (moto on loopback)', { skip: noMoto ?? false }, () => {
  let moto: Moto, c: S3Client;
  before(async () => {
    Object.assign(process.env, DUMMY_CREDENTIALS);
    moto = await startMoto();
    await createBucket(moto.endpoint, 'bqx-units');
    c = testClient(moto.endpoint);
  });
  after(() => { c?.destroy(); moto?.stop(); });

  test('the lake files are uploaded as they are; a second export uploads only the manifest', async () => {
    const args = ['export', '--data-dir', dir, '--out', 's3://bqx-units/u', '--layout', 'units', '--force', '--json',
      '--s3-endpoint', moto.endpoint, '--s3-path-style', '--s3-region', 'us-east-1'];
    const r = await bqxAsync(args, DUMMY_CREDENTIALS);
    assert.equal(r.status, 0, r.stderr);
    const local = tempDir('bqx-units-dl-');
    const keys = await download(c, 'bqx-units', 'u/', local);
    const manifest = readManifest(local);
    assert.equal(manifest.compression, 'lz4_raw');
    assert.deepEqual(keys.filter((k) => k.endsWith('.parquet')), manifest.files.map((f: ManifestFile) => f.path).sort());
    for (const f of manifest.files as ManifestFile[]) {
      assert.equal(sha256(join(local, f.path)), sha256(lakeOf(f.path)), f.path);
      assert.equal(f.sha256, sha256(lakeOf(f.path)), f.path);
    }
    const again = JSON.parse((await bqxAsync(args, DUMMY_CREDENTIALS)).stdout);
    assert.equal(again.uploaded, 1, 'only the new manifest');
    const v = await bqxAsync(['export', '--verify', '--out', 's3://bqx-units/u', '--s3-endpoint', moto.endpoint, '--s3-path-style', '--s3-region', 'us-east-1'], DUMMY_CREDENTIALS);
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });
});
