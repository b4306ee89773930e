// Fuzz: 1,200 seeded malformed text files (HistData, Dukascopy, dukascopy-node, generic CSV; plain,
// zipped, broken zips, zip bombs) and 100 malformed Parquet files. No reader may throw; every row is
// loaded, dropped as flat filler or rejected with a defect at its line; a line with the wrong number of
// fields is always a defect there; no loaded bar is outside the rules; --on-error fail loads nothing
// from a file with a defect; the CLI exits 3 when anything was rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Float32, Float64, Int32, Int64, Utf8, TimestampMillisecond } from 'apache-arrow';
import { openStore } from '../../src/store/duckdb.ts';
import { ingestPaths, readCsv, readDukascopy, readHistData, readParquetFile, type FileReport, type ReadResult } from '../../src/io/ingest/index.ts';
import { bqx } from '../helpers/cli.ts';
import { rng } from '../helpers/rng.ts';
import { tempDir } from '../helpers/tmp.ts';
import { FUZZ_UNZIP_CAP, fuzzCase, type FuzzCase } from './fuzz-inputs.ts';
import { parquetBytes } from './parquet-bytes.ts';

const TEXT_CASES = 1200;
const PARQUET_CASES = 100;
const TS_MIN = Date.UTC(1970, 0, 1);
const TS_END = Date.UTC(2101, 0, 1);

function read(c: FuzzCase): ReadResult {
  const opts = { maxUnzippedBytes: FUZZ_UNZIP_CAP };
  switch (c.format) {
    case 'histdata': return readHistData(c.bytes, c.name, opts);
    case 'dukascopy': case 'dukascopy-node': return readDukascopy(c.bytes, c.name, opts);
    case 'csv': return readCsv(c.bytes, c.name, opts);
  }
}

/** The properties every read result has, whatever the input. */
function checkResult(r: ReadResult, name: string, why: string): void {
  const rowDefects = r.defects.filter((d) => d.line > 0);
  for (const d of r.defects) {
    assert.equal(d.file, name, why);
    assert.ok(Number.isInteger(d.line) && d.line >= 0, `${why}: line ${d.line}`);
  }
  for (let k = 1; k < rowDefects.length; k++) assert.ok(rowDefects[k]!.line > rowDefects[k - 1]!.line, `${why}: one defect per row, in file order`);
  if (!r.fatal) {
    const { closedMarket, flatInWeek } = r.dropped;
    assert.equal(r.rows, r.bars.ts.length + closedMarket + flatInWeek + rowDefects.length, `${why}: every row accounted for`);
  }
  const b = r.bars;
  for (let i = 0; i < b.ts.length; i++) {
    const t = b.ts[i]!;
    assert.ok(t >= TS_MIN && t < TS_END && t % 60_000 === 0 && (i === 0 || t > b.ts[i - 1]!), `${why}: bar time ${t}`);
    const [o, h, l, c, v] = [b.open[i]!, b.high[i]!, b.low[i]!, b.close[i]!, b.volume[i]!];
    assert.ok(l > 0 && h < Infinity && l <= o && o <= h && l <= c && c <= h && v >= 0 && v < Infinity, `${why}: bar ${[o, h, l, c, v]}`);
  }
}

/** Independent oracle on the text: lines that must be defects, and the OHLC tuples any loaded bar may have. */
function checkAgainstText(r: ReadResult, c: FuzzCase, why: string): void {
  if (c.text === null || r.fatal) return;
  const lines = c.text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (c.text.endsWith('\n')) lines.pop();
  const first = c.header === null ? 0 : 1;
  if (c.header !== null && lines[0] !== c.header) return; // a damaged header: fatal or other columns
  const defectLines = new Set(r.defects.map((d) => d.line));
  const tuples = new Set<string>();
  for (let i = first; i < lines.length; i++) {
    if (/^[ \t]*$/.test(lines[i]!)) continue;
    const f = lines[i]!.split(c.delimiter);
    if (f.length !== c.fields) assert.ok(defectLines.has(i + 1), `${why}: line ${i + 1} has ${f.length} fields but no defect`);
    else tuples.add(f.slice(1, 5).map(Number).join(','));
  }
  for (let i = 0; i < r.bars.ts.length; i++) {
    const t = [r.bars.open[i], r.bars.high[i], r.bars.low[i], r.bars.close[i]].join(',');
    assert.ok(tuples.has(t), `${why}: loaded bar ${t} is on no line of the file`);
  }
}

test(`fuzz: ${TEXT_CASES} malformed text files through the readers: no throw, every row accounted for`, () => {
  let defects = 0;
  let loaded = 0;
  for (let seed = 1; seed <= TEXT_CASES; seed++) {
    const c = fuzzCase(seed);
    const why = `seed ${seed} (${c.format} ${c.name}: ${c.mutations.join(', ')})`;
    let r: ReadResult;
    try {
      r = read(c);
    } catch (err) {
      assert.fail(`${why}: threw ${(err as Error).stack}`);
    }
    checkResult(r, c.name, why);
    checkAgainstText(r, c, why);
    defects += r.defects.length;
    loaded += r.bars.ts.length;
  }
  assert.ok(defects > TEXT_CASES && loaded > 5 * TEXT_CASES, `the cases are neither all good nor all rejected (${defects} defects, ${loaded} bars)`);
});

/** A Parquet file of random column types and nasty values, sometimes cut short or with flipped bytes. */
function parquetCase(seed: number): { bytes: Uint8Array; why: string } {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const n = Math.floor(r() * 12);
  const t0 = Date.UTC(2017, 5, 1, 10);
  const nasty = [NaN, Infinity, -Infinity, 0, -1.1, 1e308, 5e-324, 2 ** 53 + 1, 1.1];
  const timeKind = pick(['ms', 's', 'timestamp', 'iso', 'odd-int', 'float-nasty', 'text-nasty'] as const);
  const times = Array.from({ length: n }, (_, i) => t0 + Math.floor(r() * 4 - 1 + i) * 60_000);
  const time = timeKind === 'ms' ? { values: times.map(BigInt), type: new Int64() }
    : timeKind === 's' ? { values: times.map((t) => t / 1000), type: new Int32() }
      : timeKind === 'timestamp' ? { values: times, type: new TimestampMillisecond() }
        : timeKind === 'iso' ? { values: times.map((t) => new Date(t).toISOString()), type: new Utf8() }
          : timeKind === 'odd-int' ? { values: times.map(() => Math.floor(r() * 2 ** 31)), type: new Int32() }
            : timeKind === 'float-nasty' ? { values: times.map(() => pick([...nasty, 6e21, -6e4])), type: new Float64() }
              : { values: times.map(() => pick(['', 'é', '\u{1F4B1}', '2017-13-01T00:00Z', '9999-12-31T23:59Z', 'null'])), type: new Utf8() };
  const price = () => ({ values: Array.from({ length: n }, () => (r() < 0.2 ? pick(nasty) : 1.1)), type: pick([new Float64(), new Float32()]) });
  const cols: Record<string, { values: unknown[]; type?: import('apache-arrow').DataType }> = { time, open: price(), high: price(), low: price(), close: price() };
  if (r() < 0.5) cols['volume'] = { values: Array.from({ length: n }, () => pick([0, 1, -1, NaN, 1e300])), type: new Float64() };
  if (r() < 0.3) cols['pair'] = { values: Array.from({ length: n }, () => pick(['EURUSD', 'eur/usd', 'XAUUSD', '', 'GBPUSD'])), type: new Utf8() };
  if (r() < 0.15) delete cols[pick(['time', 'open', 'close'])];
  let bytes = parquetBytes(cols);
  const damage = r();
  if (damage < 0.15) bytes = bytes.slice(0, Math.floor(r() * bytes.length));
  else if (damage < 0.3) for (let k = 0; k < 8; k++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
  return { bytes, why: `parquet seed ${seed} (${timeKind}, ${n} rows, damage ${damage < 0.15 ? 'cut' : damage < 0.3 ? 'flipped' : 'none'})` };
}

test(`fuzz: ${PARQUET_CASES} malformed Parquet files: no throw, every row accounted for`, () => {
  for (let seed = 1; seed <= PARQUET_CASES; seed++) {
    const { bytes, why } = parquetCase(seed);
    let r: ReadResult;
    try {
      r = readParquetFile(bytes, 'EURUSD.parquet');
    } catch (err) {
      assert.fail(`${why}: threw ${(err as Error).stack}`);
    }
    checkResult(r, 'EURUSD.parquet', why);
  }
});

/** Writes fuzz cases 1..n, one directory each (file names carry the pair); also one clean file. */
function writeCases(dir: string, n: number): void {
  for (let seed = 1; seed <= n; seed++) {
    const c = fuzzCase(seed);
    mkdirSync(join(dir, String(seed)));
    writeFileSync(join(dir, String(seed), c.name), c.bytes);
  }
  const { bytes } = parquetCase(3);
  writeFileSync(join(dir, 'EURUSD.parquet'), bytes);
}

test('fuzz through ingestPaths: --on-error fail loads nothing from a file with a defect; skip writes the rejects', async () => {
  const dir = tempDir('bqx-fuzz-');
  mkdirSync(join(dir, 'in'));
  writeCases(join(dir, 'in'), 120);
  const store = await openStore(':memory:');
  const fail = await ingestPaths(store, [join(dir, 'in')], { format: 'auto', onError: 'fail', rejectsDir: join(dir, 'rej'), maxUnzippedBytes: FUZZ_UNZIP_CAP });
  assert.equal(fail.length, 121);
  const bad = (f: FileReport) => Object.values(f.defects).some((k) => k > 0);
  for (const f of fail) {
    if (bad(f)) assert.deepEqual([f.status, f.loaded, f.upsert, f.rejectsFile], ['rejected', 0, undefined, undefined], f.file);
    else assert.equal(f.loaded, f.upsert ? f.upsert.inserted + f.upsert.replaced + f.upsert.unchanged : 0, f.file);
  }
  const storedFail = (await store.summary()).reduce((n, p) => n + p.bars, 0);
  assert.ok(storedFail <= fail.reduce((n, f) => n + f.loaded, 0));
  assert.ok(fail.filter(bad).length > 60, 'most fuzz files have a defect');
  const skip = await ingestPaths(store, [join(dir, 'in')], { format: 'auto', onError: 'skip', rejectsDir: join(dir, 'rej'), maxUnzippedBytes: FUZZ_UNZIP_CAP });
  for (const f of skip.filter(bad)) {
    assert.ok(f.rejectsFile !== undefined && existsSync(f.rejectsFile), f.file);
    assert.ok(f.status === 'rejected' ? f.loaded === 0 : f.status === 'partial' && f.loaded > 0, f.file);
  }
  await store.close();
});

test('fuzz through the CLI: exit 3 when rows were rejected (fail and skip), 0 for clean input, nothing loaded under fail', () => {
  const dir = tempDir('bqx-fuzz-cli-');
  const data = join(dir, 'data');
  const seeds = Array.from({ length: 60 }, (_, k) => k + 1).filter((s) => fuzzCase(s).text !== null).slice(0, 8);
  for (const s of seeds) {
    const c = fuzzCase(s);
    mkdirSync(join(dir, 'in', String(s)), { recursive: true });
    writeFileSync(join(dir, 'in', String(s), c.name), c.bytes);
  }
  writeFileSync(join(dir, 'in', 'garbage.parquet'), Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) % 256));
  const failed = bqx(['ingest', join(dir, 'in'), '--data-dir', data, '--json']);
  assert.equal(failed.status, 3, failed.stderr);
  const out = JSON.parse(failed.stdout) as { files: FileReport[]; loaded: number };
  for (const f of out.files) {
    if (f.status === 'rejected') {
      assert.equal(f.loaded, 0, f.file);
      assert.ok(f.examples.length > 0 && f.examples.every((e) => e.file === f.file && e.line >= 0), f.file);
    }
    else assert.deepEqual(Object.values(f.defects).filter((k) => k > 0), [], f.file);
  }
  assert.equal(out.files.find((f) => f.file.endsWith('garbage.parquet'))!.status, 'rejected');
  assert.equal(out.loaded, out.files.reduce((n, f) => n + f.loaded, 0));
  const skipped = bqx(['ingest', join(dir, 'in'), '--data-dir', data, '--on-error', 'skip']);
  assert.equal(skipped.status, 3, skipped.stderr);
  assert.match(skipped.stdout, /\/[A-Za-z0-9_.-]+\.(csv|zip):\d+: (malformed|duplicate|out-of-order|bad-price|ohlc-inconsistent|time-[a-z-]+): /);
  // Clean input exits 0; a flat zero-volume bar inside the trading week (Thursday 1 June 2017) is no defect,
  // but it is reported with its file:line.
  const clean = join(dir, 'clean', 'eurusd-m1-bid-2017-06-01.csv');
  mkdirSync(join(dir, 'clean'));
  writeFileSync(clean, 'timestamp,open,high,low,close,volume\n1496311200000,1.1,1.2,1.0,1.1,5\n1496311260000,1.1,1.1,1.1,1.1,0\n');
  const ok = bqx(['ingest', clean, '--data-dir', data]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.ok(ok.stdout.includes(`1 flat zero-volume bar inside the trading week dropped (no ticks; first at ${clean}:3)`), ok.stdout);
});
