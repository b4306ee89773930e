// The PostgreSQL feature tables: the catalog's table assignment within PostgreSQL's limits (checked
// against the server's own refusal of a too-wide row), the binary COPY encoder against a text COPY of
// the same values, and the loader/sync: the tables hold the lake's values bit for bit (NaN ↔ NULL), a
// recomputed month replaces exactly that month, a second sync loads nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registry } from '../../src/features/registry.ts';
import { featureTables, PG_MAX_IDENTIFIER, rowBytes, tableOfColumn, type FeatureTable } from '../../src/features/tables.ts';
import { feature } from '../../src/features/define.ts';
import { buildRegistry } from '../../src/features/registry.ts';
import type { Family } from '../../src/features/types.ts';
import { writeParquetFile } from '../../src/io/parquet.ts';
import { catalogJson } from '../../src/export/extras.ts';
import { partitionPath } from '../../src/pipeline/lake.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { copyBinary } from '../../src/store/postgres/feature-load.ts';
import { COPY_SIGNATURE, copyChunks } from '../../src/store/postgres/copy-binary.ts';
import { featureTable } from '../../src/store/postgres/feature-ddl.ts';
import { tablesOfUnit, syncFeatures } from '../../src/store/postgres/feature-sync.ts';
import type { ManifestRecord } from '../../src/store/types.ts';
import { rng } from '../helpers/rng.ts';
import { tempDir } from '../helpers/tmp.ts';
import { NO_SERVER } from '../helpers/postgres.ts';
import { freshDatabase } from './pg-features-db.ts';

const reg = registry();
const tables = featureTables(reg);
const units = buildUnits(reg);

test('every catalog column is in exactly one table, each table within one unit and PostgreSQL limits', () => {
  const seen = tables.flatMap((t) => t.columns.map((c) => c.name));
  assert.deepEqual([...seen].sort(), reg.all.map((c) => c.name).sort());
  assert.equal(new Set(seen).size, seen.length);
  for (const t of tables) {
    assert.ok(t.columns.length + 1 <= 1_600, `${t.name}: ${t.columns.length + 1} columns`);
    assert.ok(rowBytes(t.columns.length) < 8_160, `${t.name}: ${rowBytes(t.columns.length)} bytes per row`);
    // The longest partition name: the table, a pair (6 letters), a month.
    assert.ok(`${t.name}_eurusd_2024_07`.length <= PG_MAX_IDENTIFIER, t.name);
    for (const c of t.columns) assert.ok(c.name.length <= PG_MAX_IDENTIFIER, c.name);
    assert.equal(units.filter((u) => u.columns.some((c) => t.columns.includes(c))).length, 1, `${t.name} spans units`);
  }
  // The seed's names of the issue exist.
  const of = tableOfColumn(tables);
  assert.equal(of.get('w15_bqx_return'), 'bqx');
  assert.equal(of.get('reg_idx_w60_r2'), 'reg');
  assert.equal(of.get('rsi_idx_w15'), 'technical_indicators');
  assert.equal(of.get('corr_base_pairs_15min'), 'correlation_bqx');
  assert.equal(of.get('target_bqx_h15'), 'targets');
  // catalog.json records every column's table.
  const catalog = JSON.parse(catalogJson(reg, units, 'wide', [], false)) as { columns: { name: string; pgTable?: string }[] };
  for (const c of catalog.columns.slice(2)) assert.equal(c.pgTable, `bqx.${of.get(c.name)}_{pair}`, c.name);
});

test('a group over the limits is split in catalog order', () => {
  // Limits of 1 + 40 columns: ti's 180 columns make technical_indicators … _5.
  const small = featureTables(reg, { columns: 41, rowBytes: 1e9 });
  const ti = small.filter((t) => t.name.startsWith('technical_indicators'));
  assert.deepEqual(ti.map((t) => [t.name, t.columns.length]), [
    ['technical_indicators', 40], ['technical_indicators_2', 40], ['technical_indicators_3', 40], ['technical_indicators_4', 40], ['technical_indicators_5', 20]]);
  assert.deepEqual(ti.flatMap((t) => t.columns), tables.find((t) => t.name === 'technical_indicators')!.columns);
  // Row size: under 200 bytes hold ts + 20 float8 (max(24 + 8 × 21, 32 + 8 × 20) = 192), not 21 (200).
  assert.deepEqual([rowBytes(20), rowBytes(21)], [192, 200]);
  assert.equal(Math.max(...featureTables(reg, { columns: 1_600, rowBytes: 200 }).map((t) => t.columns.length)), 20);
});

const db = await freshDatabase();
const noServer = db ? false : NO_SERVER;

/** The IEEE 754 bits of a double as PostgreSQL's float8send prints them (hex, big-endian). */
function bits(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString('hex');
}

test('rowBytes is where the server starts refusing a row', { skip: noServer }, async () => {
  // The server is the oracle. The widest row has one NULL (its null bitmap costs more than the 8 bytes
  // the NULL saves): ts + 1001 float8 with one NULL take 152 + 8 × 1001 = 8,160 bytes (accepted), ts +
  // 1002 take 8,168 (refused), while ts + 1002 all non-null take 24 + 8 × 1003 = 8,048 (accepted).
  const cases = [[1_001, 1, true], [1_002, 1, false], [1_002, 0, true]] as const;
  for (const [n, nulls, ok] of cases) {
    if (nulls === 1) assert.equal(rowBytes(n) <= 8_160, ok, `rowBytes(${n}) = ${rowBytes(n)}`);
    const t = `wide_${n}_${nulls}`;
    await db!.pool.query(`CREATE TABLE ${t} (ts timestamptz, ${Array.from({ length: n }, (_, i) => `c${i} float8`).join(', ')})`);
    const values = Array.from({ length: n }, (_, i) => (i < nulls ? 'NULL' : String(i + 0.5)));
    const insert = db!.pool.query(`INSERT INTO ${t} VALUES (now(), ${values.join(', ')})`);
    if (ok) await insert; else await assert.rejects(insert, /row is too big/);
  }
});

test('the binary encoder writes the format by hand and equals a text COPY of the same values', { skip: noServer }, async () => {
  // One row by hand: ts 2000-01-01T00:00:01Z = 1,000,000 µs, then 1.5 and NaN (NULL).
  const [head, row, trailer] = [...copyChunks({ ts: new Float64Array([946_684_801_000]), columns: [new Float64Array([1.5]), new Float64Array([NaN])] })];
  assert.equal(head!.toString('hex'), Buffer.concat([COPY_SIGNATURE, Buffer.alloc(8)]).toString('hex'));
  assert.equal(row!.toString('hex'), '0003' + '00000008' + '00000000000f4240' + '00000008' + '3ff8000000000000' + 'ffffffff');
  assert.equal(trailer!.toString('hex'), 'ffff');

  const r = rng(5);
  const n = 600, k = 6;
  const ts = new Float64Array(n);
  // Minutes from 1999-12-31 (before PostgreSQL's epoch: negative µs) to 2031, increasing.
  for (let i = 0; i < n; i++) ts[i] = Date.UTC(1999, 11, 31) + i * 60_000 * 27_011;
  const specials = [NaN, -0, 0, Infinity, -Infinity, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3];
  const columns = Array.from({ length: k }, (_, j) => Float64Array.from({ length: n }, (_, i) => {
    if ((i + j) % 17 === 0) return specials[(i + j) % specials.length]!;
    const b = Buffer.alloc(8); // random bit patterns: every exponent, including subnormals
    b.writeUInt32BE(Math.floor(r() * 2 ** 32)); b.writeUInt32BE(Math.floor(r() * 2 ** 32), 4);
    const x = b.readDoubleBE(0);
    return Number.isNaN(x) ? 1 : x;
  }));
  const names = columns.map((_, j) => `x${j}`);
  const ddl = (t: string) => `CREATE TABLE ${t} (ts timestamptz PRIMARY KEY, ${names.map((c) => `${c} float8`).join(', ')})`;
  await db!.pool.query(ddl('enc_binary'));
  await db!.pool.query(ddl('enc_text'));
  const client = await db!.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('TRUNCATE enc_binary'); // COPY FREEZE needs the table truncated in this transaction
    await copyBinary(client, 'enc_binary', names, { ts, columns });
    await client.query('COMMIT');
    // The oracle: PostgreSQL's own text parser on JavaScript's shortest round-trip strings.
    const { from } = await import('pg-copy-streams');
    const { pipeline } = await import('node:stream/promises');
    const { Readable } = await import('node:stream');
    const text = (x: number) => (Number.isNaN(x) ? '\\N' : Object.is(x, -0) ? '-0' : String(x));
    const lines = Array.from({ length: n }, (_, i) => [new Date(ts[i]!).toISOString(), ...columns.map((c) => text(c[i]!))].join('\t') + '\n');
    await pipeline(Readable.from(lines), client.query(from(`COPY enc_text (ts, ${names.join(', ')}) FROM STDIN`)));
  } finally {
    client.release();
  }
  const sel = (t: string) => `SELECT (extract(epoch FROM ts) * 1000)::float8 AS ms, ${names.map((c) => `encode(float8send(${c}), 'hex') AS ${c}`).join(', ')} FROM ${t} ORDER BY ts`;
  const bin = (await db!.pool.query(sel('enc_binary'))).rows;
  const txt = (await db!.pool.query(sel('enc_text'))).rows;
  assert.equal(bin.length, n);
  assert.deepEqual(bin, txt);
  for (let i = 0; i < n; i++) {
    assert.equal(bin[i].ms, ts[i]);
    for (let j = 0; j < k; j++) assert.equal(bin[i][names[j]!], Number.isNaN(columns[j]![i]!) ? null : bits(columns[j]![i]!), `row ${i} x${j}`);
  }
});

// A small registry of two units: a pair unit of two families (two tables) and a month fan-in unit.
const def = (name: string, family: string) => feature({ name, family, domain: 'idx', stage: family === 'mf' ? 'ci' : 'base', kernel: 'test', lookback: 0, description: name });
const families: Family[] = [
  { name: 'pa', stage: 'base', version: 1, partition: 'pair', features: ['pa_one', 'pa_two', 'pa_three'].map((n) => def(n, 'pa')), compute() {} },
  { name: 'pb', stage: 'base', version: 1, partition: 'pair', features: ['pb_one'].map((n) => def(n, 'pb')), compute() {} },
  { name: 'mf', stage: 'ci', version: 1, partition: 'month', features: ['mf_one', 'mf_two'].map((n) => def(n, 'mf')), computeMonth() {} },
];
const testReg = buildRegistry(families, null);
const testUnits = buildUnits(testReg);
const testTables = featureTables(testReg);

/** A lake partition of a unit: minutes of the month with gaps, values from seed (with NaN, −0, ∞). */
function partition(unit: string, month: string, seed: number) {
  const rows = seed === 99 ? 2_500 : 3_000; // the recomputed month has fewer rows
  const r = rng(seed);
  const start = Date.parse(`${month}-01T00:00:00Z`);
  const ts = Float64Array.from({ length: rows }, (_, i) => start + (i + Math.floor(i / 7)) * 60_000);
  const cols = testUnits.find((u) => u.name === unit)!.columns.map((c) => [c.name, Float64Array.from(ts, () => {
    const u = r();
    return u < 0.05 ? NaN : u < 0.06 ? -0 : u < 0.065 ? -Infinity : (u - 0.5) * 10 ** Math.floor(r() * 40 - 20);
  })] as const);
  return { ts, columns: cols };
}

function writeLake(dataDir: string, unit: string, pair: string, month: string, seed: number): void {
  writeParquetFile(partitionPath(dataDir, unit, pair, month), partition(unit, month, seed));
}

const manifest = (stage: string, pair: string, month: string, dataVersion: string): ManifestRecord => ({
  stage, pair, month, status: 'done', codeVersion: 'c', inputVersions: {}, dataVersion, rows: 3_000, bytes: 0, checksum: '', path: '',
  startedAt: 0, finishedAt: 0, attempts: 1, worker: 'test', error: '', extra: {},
});

/** Every row of a table for a pair as [ms, hex bits or null per column]. */
async function tableRows(t: FeatureTable, pair: string, month?: string) {
  const where = month ? `WHERE ts >= '${month}-01T00:00Z' AND ts < '${month}-01T00:00Z'::timestamptz + interval '1 month'` : '';
  const res = await db!.pool.query(`SELECT (extract(epoch FROM ts) * 1000)::float8 AS ms, ${t.columns.map((c) => `encode(float8send(${c.name}), 'hex') AS ${c.name}`).join(', ')} FROM ${featureTable(t.name, pair)} ${where} ORDER BY ts`);
  return res.rows.map((row) => [row.ms, ...t.columns.map((c) => row[c.name])]);
}

/** The same from the values written to the lake. */
function lakeRows(t: FeatureTable, p: ReturnType<typeof partition>) {
  const cols = new Map(p.columns);
  return [...p.ts].map((ms, i) => [ms, ...t.columns.map((c) => { const x = cols.get(c.name)![i]!; return Number.isNaN(x) ? null : bits(x); })]);
}

test('sync loads the lake bit for bit, replaces exactly a recomputed month, and is idempotent', { skip: noServer }, async () => {
  const dataDir = tempDir('bqx-pgfeat-');
  const base = testUnits.find((u) => u.name === 'base')!;
  assert.deepEqual(tablesOfUnit(base, testTables).map((t) => t.name), ['pa', 'pb']);
  const seeds: Record<string, number> = {};
  const put = (unit: string, pair: string, month: string, seed: number) => { seeds[`${unit}|${pair}|${month}`] = seed; writeLake(dataDir, unit, pair, month, seed); };
  for (const month of ['2024-06', '2024-07']) {
    put('base', 'EURUSD', month, month === '2024-06' ? 1 : 2);
    for (const pair of ['EURUSD', 'USDJPY']) put('ci', pair, month, pair.length + month.length + (pair === 'USDJPY' ? 10 : 0) + Number(month.slice(-1)));
  }
  const manifests = ['2024-06', '2024-07'].flatMap((m) => [manifest('base', 'EURUSD', m, `b-${m}`), manifest('ci', '*', m, `c-${m}`)]);
  const input = { pool: db!.pool, dataDir, units: testUnits, tables: testTables, manifests };
  const first = await syncFeatures(input);
  assert.equal(first.loaded, 6); // base EURUSD × 2 months, ci EURUSD and USDJPY × 2 months
  assert.equal(first.rows, 6 * 3_000);

  const check = async () => {
    for (const t of testTables) {
      const unit = t.name === 'mf' ? 'ci' : 'base';
      for (const pair of unit === 'ci' ? ['EURUSD', 'USDJPY'] : ['EURUSD']) {
        const want = ['2024-06', '2024-07'].flatMap((m) => lakeRows(t, partition(unit, m, seeds[`${unit}|${pair}|${m}`]!)));
        assert.deepEqual(await tableRows(t, pair), want, `${t.name} ${pair}`);
      }
    }
  };
  await check();
  const loadedAt = async () => Object.fromEntries((await db!.pool.query(`SELECT unit || pair || month AS k, loaded_at FROM bqx.feature_loads`)).rows.map((r) => [r.k, r.loaded_at.getTime()]));
  const before = await loadedAt();

  const again = await syncFeatures(input);
  assert.deepEqual([again.loaded, again.upToDate], [0, 6]);

  // July of base recomputed with other values and fewer rows (seed 99): only it is reloaded.
  put('base', 'EURUSD', '2024-07', 99);
  const m2 = manifests.map((m) => (m.stage === 'base' && m.month === '2024-07' ? manifest('base', 'EURUSD', '2024-07', 'b-2024-07-new') : m));
  // A concurrent reader of the table sees the old month or the new one, never an empty or partial one.
  const reader = await db!.pool.connect();
  const seen = new Set<number>();
  let syncing = true;
  const reading = (async () => {
    while (syncing) seen.add((await reader.query(`SELECT count(*)::int AS n FROM ${featureTable('pa', 'EURUSD')}`)).rows[0].n);
  })();
  const third = await syncFeatures({ ...input, manifests: m2 }).finally(() => { syncing = false; });
  await reading;
  reader.release();
  assert.ok(seen.size > 0 && [...seen].every((n) => n === 6_000 || n === 5_500), `counts seen: ${[...seen].join(', ')}`);
  assert.deepEqual([third.loaded, third.upToDate], [1, 5]);
  await check();
  const after = await loadedAt();
  for (const k of Object.keys(before)) {
    if (k === 'baseEURUSD2024-07') assert.ok(after[k] > before[k]!, k);
    else assert.equal(after[k], before[k], k);
  }
  const versions = (await db!.pool.query(`SELECT unit, pair, month, data_version, rows FROM bqx.feature_loads ORDER BY 1, 2, 3`)).rows;
  assert.deepEqual(versions.find((v) => v.unit === 'base' && v.month === '2024-07'), { unit: 'base', pair: 'EURUSD', month: '2024-07', data_version: 'b-2024-07-new', rows: 2_500 });
});
