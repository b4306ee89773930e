// Export (stage 2.7), wide layout: features/pair=P/month=M/part-0.parquet with ts, pair, every
// implemented feature and the targets (snappy), plus manifest.json and catalog.json.
import { dirname, join } from 'node:path';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { availableParallelism } from 'node:os';
import { isoMinute } from '../core/time.ts';
import { registry } from '../features/registry.ts';
import type { FeatureDef } from '../features/types.ts';
import { sha256 } from '../core/hash.ts';
import { writeFileAtomic } from '../io/parquet.ts';
import type { Store } from '../store/types.ts';
import { slotMap } from '../features/cross/index.ts';
import { partitionPath } from './lake.ts';
import { buildUnits } from './units.ts';

export interface ExportOptions {
  readonly dataDir: string;
  readonly out: string;
  readonly pairs?: readonly string[];
  readonly months?: readonly string[];
  readonly float32?: boolean;
  /** The validation gate's verdict, recorded in manifest.json (validated: false when forced). */
  readonly validation: { readonly validated: boolean; readonly report: string | null; readonly message: string };
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ExportedFile {
  readonly path: string; readonly pair: string; readonly month: string; readonly rows: number; readonly bytes: number;
  readonly sha256: string; readonly from: string; readonly to: string; readonly dataVersions: Record<string, string>;
}

export interface ExportResult {
  readonly out: string;
  readonly files: ExportedFile[];
  readonly columns: number;
  readonly rows: number;
  readonly bytes: number;
  /** Partitions not exported because a unit had not computed them. */
  readonly missing: string[];
}

/** Joins the units' lake files of one partition row by row (POSITIONAL JOIN) and writes the wide file. */
async function writeWide(con: DuckDBConnection, files: readonly string[], columns: readonly { name: string; unit: number }[],
  pair: string, out: string, float32: boolean): Promise<void> {
  const from = files.map((f, i) => `read_parquet(${sqlString(f)}, hive_partitioning = false) u${i}`).join(' POSITIONAL JOIN ');
  // Every unit must hold the same rows: compare the timestamps first (reads only the ts columns).
  const mismatch = files.slice(1).map((_, i) => `u0.ts IS DISTINCT FROM u${i + 1}.ts`).join(' OR ');
  if (mismatch) {
    const bad = await con.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM ${from} WHERE ${mismatch}`);
    if (Number(bad.getRowObjects()[0]!.n) > 0) throw new Error(`${out}: the stages' rows differ (recompute with bqx run --force)`);
  }
  const cast = float32 ? '::FLOAT' : '';
  const select = [`u0.ts`, `${sqlString(pair)} AS pair`, ...columns.map((c) => `u${c.unit}."${c.name}"${cast} AS "${c.name}"`)].join(', ');
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  await con.run(`COPY (SELECT ${select} FROM ${from}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION snappy)`);
  renameSync(tmp, out);
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

export async function exportWide(store: Store, opts: ExportOptions): Promise<ExportResult> {
  const reg = registry();
  const units = buildUnits(reg);
  const manifests = await store.getManifests();
  const doneOf = new Map(manifests.filter((m) => m.status === 'done').map((m) => [`${m.stage}|${m.pair}|${m.month}`, m]));
  const index = await store.monthIndex();
  const parts = index.filter((r) => (!opts.pairs || opts.pairs.includes(r.pair)) && (!opts.months || opts.months.includes(r.month)));
  const unitOf = (c: FeatureDef) => units.findIndex((u) => u.columns.includes(c));
  const exported = units.flatMap((u) => u.columns);
  const featureCols = exported.filter((c) => c.role === 'feature');
  const targetCols = exported.filter((c) => c.role === 'target');
  const ordered = [...featureCols, ...targetCols].map((c) => ({ name: c.name, unit: unitOf(c) }));
  const missing: string[] = [];
  // The partitions whose every unit is computed, with the lake files to join.
  const jobs = parts.flatMap(({ pair, month }) => {
    const versions: Record<string, string> = {};
    const paths: string[] = [];
    for (const u of units) {
      const m = doneOf.get(`${u.name}|${u.kind === 'month' ? '*' : pair}|${month}`);
      const path = partitionPath(opts.dataDir, u.name, pair, month);
      if (!m || !existsSync(path)) { missing.push(`${u.name} ${pair} ${month}`); return []; }
      versions[u.name] = m.dataVersion;
      paths.push(path);
    }
    return [{ pair, month, versions, paths }];
  });
  const files: ExportedFile[] = new Array(jobs.length);
  // A private in-memory DuckDB joins and writes the files (the store's own file stays untouched). A
  // month partition is one Parquet row group, which DuckDB writes on one thread: one connection per
  // core keeps every core busy.
  const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  let next = 0, done = 0;
  const worker = async () => {
    const con = await db.connect();
    try {
      for (let k = next++; k < jobs.length; k = next++) {
        const { pair, month, versions, paths } = jobs[k]!;
        const rel = join('features', `pair=${pair}`, `month=${month}`, 'part-0.parquet');
        const out = join(opts.out, rel);
        await writeWide(con, paths, ordered, pair, out, opts.float32 === true);
        const bytes = readFileSync(out);
        const span = (await con.runAndReadAll(`SELECT count(*)::BIGINT AS n, epoch_ms(min(ts))::DOUBLE AS lo, epoch_ms(max(ts))::DOUBLE AS hi FROM read_parquet(${sqlString(out)}, hive_partitioning = false)`)).getRowObjects()[0]!;
        files[k] = { path: rel, pair, month, rows: Number(span.n), bytes: bytes.length, sha256: sha256(bytes),
          from: isoMinute(Number(span.lo)), to: isoMinute(Number(span.hi)), dataVersions: versions };
        opts.onProgress?.(++done, jobs.length);
      }
    } finally {
      con.closeSync();
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), Math.max(1, jobs.length)) }, worker));
  const columns = featureCols.length + targetCols.length;
  const manifest = {
    format: 'bqx-wide/1', createdAt: new Date().toISOString(), layout: 'wide', compression: 'snappy',
    validated: opts.validation.validated, validation: opts.validation,
    dtype: opts.float32 ? 'float32' : 'float64', columns: ['ts', 'pair', ...featureCols.map((c) => c.name), ...targetCols.map((c) => c.name)],
    featureCount: featureCols.length, targetCount: targetCols.length,
    rows: files.reduce((n, f) => n + f.rows, 0), files, missing,
  };
  writeFileAtomic(join(opts.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const catalog = {
    columns: [
      { name: 'ts', role: 'key', dtype: 'timestamp[ms, UTC]', description: 'bar start (UTC)', lookback: 0, lookahead: 0 },
      { name: 'pair', role: 'key', dtype: 'string', description: 'FX pair (market convention)', lookback: 0, lookahead: 0 },
      ...[...featureCols, ...targetCols].map((c) => ({
        ...c, dtype: opts.float32 ? 'float32' : c.dtype,
        // JSON has no infinity: an open end of a range is null.
        range: c.range?.map((v) => (Number.isFinite(v) ? v : null)),
      })),
    ],
    notes: 'range: [min, max] inclusive, null = unbounded; lookback/lookahead in rows of the pair (cross families: rows of the union minute grid)',
    notImplemented: reg.all.filter((c) => !exported.includes(c)).map((c) => c.name),
    // Which currency or pair fills each numbered slot (tri_k, sis{k}), per exported pair.
    slots: Object.fromEntries([...new Set(files.map((f) => f.pair))].sort().map((p) => [p, slotMap(p)])),
  };
  writeFileAtomic(join(opts.out, 'catalog.json'), JSON.stringify(catalog, null, 2) + '\n');
  return { out: opts.out, files, columns, rows: manifest.rows, bytes: files.reduce((n, f) => n + f.bytes, 0), missing };
}
