// Lake encodings on real data: every pair unit's output for EURUSD February 2017 (real HistData bars,
// January as warm-up) written with each candidate encoding. Per variant: bytes, encode and read CPU ms
// (parquet-wasm reading all columns, as upstream reads do; DuckDB aggregating every column, as the
// validation scan and the export do). node --import tsx bench/lake-encoding.ts. Skips when the data is absent.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { rowAtOrAfter, sliceBars } from '../src/core/types.ts';
import { registry } from '../src/features/registry.ts';
import { readHistData } from '../src/io/ingest/index.ts';
import { encodeParquet, readParquetFile, type LakeEncoding } from '../src/io/parquet.ts';
import { computePairUnit, type PairInput } from '../src/pipeline/compute.ts';
import { buildUnits } from '../src/pipeline/units.ts';
import { table } from '../src/cli/output.ts';

const ZIP = fileURLToPath(new URL('../../shared/data/real-fx/parrondo__deeptrading/HISTDATA_COM_ASCII_EURUSD_M1_2017.zip', import.meta.url));
if (!existsSync(ZIP)) {
  console.log('lake-encoding bench skipped: ../shared/data/real-fx is absent');
  process.exit(0);
}

const VARIANTS: Record<string, LakeEncoding> = {
  'snappy plain (seed lake)': { codec: 'snappy', byteStreamSplit: false, dictionary: false, statistics: true },
  'snappy plain, dictionary on': { codec: 'snappy', byteStreamSplit: false, dictionary: true, statistics: true },
  'none plain, no stats': { codec: 'none', byteStreamSplit: false, dictionary: false, statistics: false },
  'lz4_raw plain, no stats': { codec: 'lz4_raw', byteStreamSplit: false, dictionary: false, statistics: false },
  'snappy plain, no stats': { codec: 'snappy', byteStreamSplit: false, dictionary: false, statistics: false },
  'zstd plain, no stats': { codec: 'zstd', byteStreamSplit: false, dictionary: false, statistics: false },
  'lz4_raw bss, no stats': { codec: 'lz4_raw', byteStreamSplit: true, dictionary: false, statistics: false },
  'snappy bss, no stats': { codec: 'snappy', byteStreamSplit: true, dictionary: false, statistics: false },
  'zstd bss, no stats': { codec: 'zstd', byteStreamSplit: true, dictionary: false, statistics: false },
};
const REPEAT = 3;
// CPU time of this process (all its threads: DuckDB's too), not wall time: the machine is shared.
const cpuMs = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const best = (fn: () => void) => { let b = Infinity; for (let i = 0; i < REPEAT; i++) { const t = cpuMs(); fn(); b = Math.min(b, cpuMs() - t); } return b; };

const bars = readHistData(new Uint8Array(readFileSync(ZIP)), ZIP).bars;
const FEB = Date.UTC(2017, 1, 1), MAR = Date.UTC(2017, 2, 1);
const units = buildUnits(registry()).filter((u) => u.kind === 'pair');
const s = rowAtOrAfter(bars.ts, FEB), e = rowAtOrAfter(bars.ts, MAR);
// Every pair unit over rows [0, e) (warm-up included), so later units read earlier ones' columns.
const upstream = new Map<string, Float64Array>();
const frames: { unit: string; ts: Float64Array; columns: [string, Float64Array][] }[] = [];
for (const unit of units) {
  const input: PairInput = { pair: 'EURUSD', bars: sliceBars(bars, 0, Math.min(bars.ts.length, e + unit.lookahead)), first: 0, count: e, baseline: bars.close[0]!, upstream };
  const o = computePairUnit(unit, input).outputs.get('EURUSD')!;
  for (const [name, col] of o.columns) upstream.set(name, col);
  const k = rowAtOrAfter(o.ts, FEB);
  frames.push({ unit: unit.name, ts: o.ts.subarray(k), columns: o.columns.map(([n, c]) => [n, c.subarray(k)]) });
}
const rows = e - s, cols = frames.reduce((n, f) => n + f.columns.length, 0);
console.log(`EURUSD 2017-02: ${rows} rows, ${cols} columns in ${frames.length} pair units (${(rows * cols * 8 / 1e6).toFixed(0)} MB as float64)`);

const dir = mkdtempSync(join(tmpdir(), 'bqx-bench-lake-'));
const db = await DuckDBInstance.create(':memory:', { threads: '1', autoinstall_known_extensions: 'false' });
const con = await db.connect();
const out: { variant: string; MB: number; encodeMs: number; wasmReadMs: number; duckReadMs: number }[] = [];
for (const [variant, encoding] of Object.entries(VARIANTS)) {
  let bytes = 0, encodeMs = 0, wasmReadMs = 0, duckReadMs = 0;
  for (const f of frames) {
    let b: Uint8Array = new Uint8Array(0);
    encodeMs += best(() => { b = encodeParquet({ ts: f.ts, columns: f.columns }, { encoding }); });
    bytes += b.length;
    const path = join(dir, `${f.unit}.parquet`);
    writeFileSync(path, b);
    wasmReadMs += best(() => readParquetFile(path));
    const sql = `SELECT ${f.columns.map(([n]) => `max("${n}")`).join(', ')} FROM read_parquet('${path}')`;
    await con.run(sql);
    let t = Infinity;
    for (let i = 0; i < REPEAT; i++) { const t0 = cpuMs(); await con.run(sql); t = Math.min(t, cpuMs() - t0); }
    duckReadMs += t;
  }
  out.push({ variant, MB: +(bytes / 1e6).toFixed(1), encodeMs: Math.round(encodeMs), wasmReadMs: Math.round(wasmReadMs), duckReadMs: Math.round(duckReadMs) });
}
con.closeSync();
rmSync(dir, { recursive: true, force: true });
console.log(table(['variant (all pair units, one pair-month)', 'MB', 'encode ms', 'read ms (parquet-wasm)', 'read ms (DuckDB)'],
  out.map((r) => [r.variant, r.MB, r.encodeMs, r.wasmReadMs, r.duckReadMs])));
