// Export (stage 2.7), wide layout: features/pair=P/month=M/part-0.parquet with ts, pair, every
// implemented feature and the targets (snappy), plus manifest.json and catalog.json.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { isoMinute } from '../core/time.ts';
import { registry } from '../features/registry.ts';
import { readParquetFile, writeFileAtomic, writeParquetFile } from '../io/parquet.ts';
import type { Store } from '../store/types.ts';
import { partitionPath } from './lake.ts';
import { buildUnits } from './units.ts';

export interface ExportOptions {
  readonly dataDir: string;
  readonly out: string;
  readonly pairs?: readonly string[];
  readonly months?: readonly string[];
  readonly float32?: boolean;
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

export async function exportWide(store: Store, opts: ExportOptions): Promise<ExportResult> {
  const reg = registry();
  const units = buildUnits(reg);
  const manifests = await store.getManifests();
  const doneOf = new Map(manifests.filter((m) => m.status === 'done').map((m) => [`${m.stage}|${m.pair}|${m.month}`, m]));
  const index = await store.monthIndex();
  const parts = index.filter((r) => (!opts.pairs || opts.pairs.includes(r.pair)) && (!opts.months || opts.months.includes(r.month)));
  const columnOrder = units.flatMap((u) => u.columns);
  const featureCols = columnOrder.filter((c) => c.role === 'feature');
  const targetCols = columnOrder.filter((c) => c.role === 'target');
  const files: ExportedFile[] = [];
  const missing: string[] = [];
  let k = 0;
  for (const { pair, month } of parts) {
    opts.onProgress?.(k++, parts.length);
    const versions: Record<string, string> = {};
    const cols = new Map<string, Float64Array>();
    let ts: Float64Array | null = null;
    let complete = true;
    for (const u of units) {
      const m = doneOf.get(`${u.name}|${u.kind === 'month' ? '*' : pair}|${month}`);
      const path = partitionPath(opts.dataDir, u.name, pair, month);
      if (!m || !existsSync(path)) { complete = false; missing.push(`${u.name} ${pair} ${month}`); break; }
      versions[u.name] = m.dataVersion;
      const part = readParquetFile(path);
      if (ts && (ts.length !== part.ts.length || ts.some((t, i) => t !== part.ts[i]))) {
        throw new Error(`${u.name} ${pair} ${month}: rows differ from the other stages' (recompute with bqx run --force)`);
      }
      ts = part.ts;
      for (const [name, col] of part.columns) cols.set(name, col);
    }
    if (!complete || !ts) continue;
    const rel = join('features', `pair=${pair}`, `month=${month}`, 'part-0.parquet');
    const ordered: [string, Float64Array][] = [...featureCols, ...targetCols].map((c) => [c.name, cols.get(c.name)!]);
    const w = writeParquetFile(join(opts.out, rel), { ts, pair, columns: ordered }, { float32: opts.float32 });
    files.push({ path: rel, pair, month, rows: ts.length, bytes: w.bytes, sha256: w.checksum,
      from: isoMinute(ts[0]!), to: isoMinute(ts[ts.length - 1]!), dataVersions: versions });
  }
  opts.onProgress?.(parts.length, parts.length);
  const columns = featureCols.length + targetCols.length;
  const manifest = {
    format: 'bqx-wide/1', createdAt: new Date().toISOString(), layout: 'wide', compression: 'snappy',
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
    notImplemented: reg.all.filter((c) => !columnOrder.includes(c)).map((c) => c.name),
  };
  writeFileAtomic(join(opts.out, 'catalog.json'), JSON.stringify(catalog, null, 2) + '\n');
  return { out: opts.out, files, columns, rows: manifest.rows, bytes: files.reduce((n, f) => n + f.bytes, 0), missing };
}
