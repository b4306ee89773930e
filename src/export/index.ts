// Export (stage 2.7): the computed data set as Parquet files in the wide, seed or units layout, plus
// catalog.json and manifest.json, to a local directory or an S3 bucket through one object-store path.
// The units layout carries the lake's files as they are: hard links in a local directory on the lake's
// file system (no bytes copied), else copies or uploads of the files, never re-encoded.
// The validation gate is applied here, whoever calls. Data objects go first and manifest.json last, so
// a reader who trusts the manifest never sees a partial export; a second export (after a kill, or with
// changed data) uploads only objects that are missing or whose checksum differs, and removes objects
// the new manifest no longer lists only once that manifest is in place.
import { existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../core/hash.ts';
import { EVERY_PAIR, formatPartition } from '../core/partition.ts';
import { isoMinute } from '../core/time.ts';
import { registry } from '../features/registry.ts';
import { LocalObjectStore, openObjectStore, type ObjectStore, type S3Options } from '../io/objectstore/index.ts';
import type { Store } from '../store/types.ts';
import { validationGate } from '../validate/index.ts';
import { LAKE_ENCODING, partitionPath } from '../pipeline/lake.ts';
import { buildUnits } from '../pipeline/units.ts';
import { catalogJson, seedExtras, type Extra } from './extras.ts';
import { lakeDigest, lakeFile, pairMonthSpan, type LakeFile, type Span } from './lakefiles.ts';
import { EXPORT_FOLDERS, planFiles, type FileSpec, type Layout, type PairMonth } from './layout.ts';
import { readManifest, type ExportedFile, type ExportedObject, type Manifest } from './manifest.ts';
import { DEFAULT_RETRY, holds, putWithRetries, type RetryPolicy } from './transfer.ts';
import { writeFile, type Compression, type WriteOpts } from './write.ts';
import { WriterPool } from './writers.ts';

export interface ExportProgress {
  readonly done: number;
  readonly total: number;
  /** Objects already at the destination with the same checksum (not uploaded again). */
  readonly skipped: number;
  /** Bytes uploaded so far. */
  readonly bytes: number;
  readonly elapsedMs: number;
}

export interface ExportOptions {
  readonly dataDir: string;
  /** A directory or s3://bucket/prefix. */
  readonly out: string;
  readonly layout?: Layout;
  readonly pairs?: readonly string[];
  readonly months?: readonly string[];
  /** wide and seed layouts only (units: the lake's files as they are, float64 LZ4_RAW). */
  readonly float32?: boolean;
  readonly compression?: Compression;
  /** Export a data set whose validation failed, is missing or is out of date (the manifest then says unvalidated). */
  readonly force?: boolean;
  /** Files generated and uploaded at once (default: cores, at least 2). */
  readonly maxWorkers?: number;
  readonly s3?: S3Options;
  readonly retry?: RetryPolicy;
  readonly onProgress?: (p: ExportProgress) => void;
}

export interface ExportResult {
  readonly destination: string;
  readonly layout: Layout;
  readonly validated: boolean;
  readonly files: ExportedFile[];
  readonly columns: number;
  readonly rows: number;
  /** Bytes of every object the manifest lists. */
  readonly bytes: number;
  readonly uploaded: number;
  readonly uploadedBytes: number;
  /** units layout to a local directory: files placed as hard links of the lake's (no bytes written)… */
  readonly linked: number;
  /** …and files copied instead because the destination is on another file system (also counted in uploaded). */
  readonly copiedAcrossFileSystems: number;
  readonly skipped: number;
  /** Stale objects removed after the manifest was written. */
  readonly removed: number;
  readonly retries: { readonly requests: number; readonly sdk: number; readonly puts: number };
  readonly wallMs: number;
  /** Partitions not exported because a unit had not computed them. */
  readonly missing: string[];
}

/** The export was refused by the validation gate. */
export class ExportRefused extends Error {}

const FORMAT = 'bqx-export/2';

export async function exportDataSet(store: Store, opts: ExportOptions): Promise<ExportResult> {
  const t0 = Date.now();
  const layout = opts.layout ?? 'wide', float32 = opts.float32 === true;
  if (layout === 'units' && (float32 || opts.compression !== undefined)) {
    throw new Error(`--layout units exports the lake's files as they are (float64, ${LAKE_ENCODING.codec.toUpperCase()}): ${float32 ? '--float32' : '--compression'} does not apply`);
  }
  const compression: Compression = opts.compression ?? 'snappy';
  const gate = await validationGate(store, opts.dataDir, { pairs: opts.pairs, months: opts.months });
  if (!gate.ok && !opts.force) throw new ExportRefused(`refusing to export: ${gate.message}; --force exports it marked unvalidated`);
  const reg = registry();
  const units = buildUnits(reg);
  const done = new Map((await store.getManifests()).filter((m) => m.status === 'done').map((m) => [formatPartition({ unit: m.stage, pair: m.pair, month: m.month }), m]));
  const missing: string[] = [];
  const parts: PairMonth[] = (await store.monthIndex())
    .filter((r) => (!opts.pairs || opts.pairs.includes(r.pair)) && (!opts.months || opts.months.includes(r.month)))
    .flatMap(({ pair, month }) => {
      const versions: Record<string, string> = {};
      const files: LakeFile[] = [];
      for (const u of units) {
        const m = done.get(formatPartition({ unit: u.name, pair: u.kind === 'month' ? EVERY_PAIR : pair, month }));
        const path = partitionPath(opts.dataDir, u.name, pair, month);
        if (!m || !existsSync(path)) { missing.push(`${u.name} ${pair} ${month}`); return []; }
        versions[u.name] = m.dataVersion;
        files.push(lakeFile(m, pair, path));
      }
      return [{ pair, month, files, versions }];
    });
  const specs = planFiles(layout, units, parts);
  // An empty manifest would remove a previous export's every object: refuse before touching the destination.
  if (specs.length === 0) throw new Error(`nothing to export: no pair-month of the selection is computed by every stage${missing.length ? ` (missing: ${missing.slice(0, 3).join('; ')}${missing.length > 3 ? ' …' : ''})` : ''}`);
  const objects = openObjectStore(opts.out, opts.s3);
  const staging = join(opts.dataDir, 'export-staging');
  rmSync(staging, { recursive: true, force: true }); // one process per data directory: anything here is a killed export's
  let putRetries = 0, uploaded = 0, uploadedBytes = 0, skipped = 0, finished = 0, linked = 0, copied = 0;
  const extras: Extra[] = layout === 'seed' ? seedExtras(opts.dataDir) : [];
  const total = specs.length + extras.length + 2;
  const progress = () => opts.onProgress?.({ done: finished, total, skipped, bytes: uploadedBytes, elapsedMs: Date.now() - t0 });
  const retry = opts.retry ?? DEFAULT_RETRY;
  /** Uploads unless the destination holds these bytes already; whether it uploaded. */
  const send = async (key: string, source: string | Uint8Array, expect: { size: number; sha256: string }) => {
    const there = await holds(objects, key, expect);
    if (there) skipped++;
    else {
      await putWithRetries(objects, key, source, expect, retry, () => putRetries++);
      uploaded++;
      uploadedBytes += expect.size;
    }
    finished++;
    progress();
    return !there;
  };
  // Each pair-month's rows are proved once, however many files read it.
  const spans = new Map<PairMonth, Promise<Span>>();
  const spanOf = (p: PairMonth) => {
    let s = spans.get(p);
    if (!s) spans.set(p, (s = pairMonthSpan(p.files, `${p.pair} ${p.month}`)));
    return s;
  };
  /** units layout: the lake file itself, hard-linked into a local directory on its file system, else copied or uploaded. */
  const carry = async (spec: FileSpec, span: Span): Promise<ExportedFile> => {
    const file = spec.sources[0]!.files[spec.unit!]!;
    const digest = await lakeDigest(file);
    const placed = objects instanceof LocalObjectStore ? objects.link(spec.key, file.path, digest.size) : null;
    if (placed === null) {
      if ((await send(spec.key, file.path, digest)) && objects instanceof LocalObjectStore) copied++;
    } else {
      if (placed === 'same') skipped++; else linked++;
      finished++;
      progress();
    }
    const source = sha256(JSON.stringify({ format: FORMAT, key: spec.key, lake: digest.sha256 }));
    return fileEntry(spec, units.map((u) => u.name), span, digest, source);
  };
  try {
    await objects.cleanup();
    const previous = await readManifest(objects);
    const before = new Map((previous?.files ?? []).map((f) => [f.path, f]));
    const files = await runFiles(specs, opts.maxWorkers ?? Math.max(2, availableParallelism()), async (spec, write) => {
      const span = spanOfFile(await Promise.all(spec.sources.map(spanOf)));
      if (spec.unit !== undefined) return carry(spec, span);
      const source = sha256(JSON.stringify({ format: FORMAT, key: spec.key, columns: spec.columns.map((c) => c.name), compression, float32,
        versions: spec.sources.map((s) => [s.pair, [...new Set(spec.columns.map((c) => units[c.unit]!.name))].map((u) => s.versions[u])]) }));
      const prev = before.get(spec.key);
      // Unchanged since the previous export and still in place: nothing to write.
      if (prev?.source === source && (await holds(objects, spec.key, { size: prev.bytes, sha256: prev.sha256 }))) {
        skipped++; finished++; progress();
        return prev;
      }
      // A local destination stages the file beside its object (put renames it into place); S3 stages it in the data directory.
      const local = objects instanceof LocalObjectStore ? objects.stagingPath(spec.key) : join(staging, spec.key);
      try {
        const digest = await write(spec, local, { float32, compression });
        await send(spec.key, local, digest);
        return fileEntry(spec, units.map((u) => u.name), span, digest, source);
      } finally {
        rmSync(local, { force: true }); // when it was not moved into place
      }
    });
    const extraObjects: ExportedObject[] = [];
    for (const e of [...extras, { key: 'catalog.json', bytes: new TextEncoder().encode(catalogJson(reg, units, layout, specs, float32)) }]) {
      const digest = { size: e.bytes.length, sha256: sha256(e.bytes) };
      await send(e.key, e.bytes, digest);
      extraObjects.push({ path: e.key, bytes: digest.size, sha256: digest.sha256 });
    }
    const featureCols = units.flatMap((u) => u.columns).filter((c) => c.role === 'feature');
    const targetCols = units.flatMap((u) => u.columns).filter((c) => c.role === 'target');
    const manifest: Manifest = {
      format: FORMAT, createdAt: new Date().toISOString(), layout, compression: layout === 'units' ? LAKE_ENCODING.codec : compression,
      validated: gate.ok,
      validation: { validated: gate.ok, report: gate.report?.runId ?? null, message: gate.ok ? gate.message : `exported with --force: ${gate.message}` },
      dtype: float32 ? 'float32' : 'float64',
      columns: layout === 'wide' ? ['ts', 'pair', ...featureCols.map((c) => c.name), ...targetCols.map((c) => c.name)] : undefined,
      featureCount: featureCols.length, targetCount: targetCols.length,
      rows: (await Promise.all([...new Set(specs.flatMap((s) => s.sources))].map(spanOf))).reduce((n, s) => n + s.rows, 0),
      files, objects: extraObjects, missing,
    };
    const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n');
    await send('manifest.json', manifestBytes, { size: manifestBytes.length, sha256: sha256(manifestBytes) });
    // Only now that the new manifest is in place: remove what it no longer lists.
    const listed = new Set([...files.map((f) => f.path), ...extraObjects.map((o) => o.path), 'manifest.json']);
    const stale = (await objects.list()).map((o) => o.key).filter((k) => !listed.has(k) && EXPORT_FOLDERS.some((d) => k.startsWith(d)));
    await objects.delete(stale);
    await objects.cleanup();
    const stats = objects.stats();
    return {
      destination: objects.location, layout, validated: gate.ok, files, columns: featureCols.length + targetCols.length, rows: manifest.rows,
      bytes: files.reduce((n, f) => n + f.bytes, 0) + extraObjects.reduce((n, o) => n + o.bytes, 0) + manifestBytes.length,
      uploaded, uploadedBytes, linked, copiedAcrossFileSystems: copied, skipped, removed: stale.length, retries: { requests: stats.requests, sdk: stats.retries, puts: putRetries },
      wallMs: Date.now() - t0, missing,
    };
  } finally {
    objects.close();
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The span of a file: its pair-months' together. */
function spanOfFile(spans: readonly Span[]): Span {
  return { rows: spans.reduce((n, s) => n + s.rows, 0), from: Math.min(...spans.map((s) => s.from)), to: Math.max(...spans.map((s) => s.to)) };
}

function fileEntry(spec: FileSpec, unitNames: readonly string[], span: Span, digest: { size: number; sha256: string }, source: string): ExportedFile {
  const used = [...new Set(spec.columns.map((c) => unitNames[c.unit]!))];
  return {
    path: spec.key, pair: spec.pair, month: spec.month, ...(spec.pair === '*' ? { pairs: spec.sources.map((s) => s.pair) } : {}),
    rows: span.rows, bytes: digest.size, sha256: digest.sha256, from: isoMinute(span.from), to: isoMinute(span.to),
    dataVersions: Object.fromEntries(spec.sources.flatMap((s) => used.map((u) => [spec.pair === '*' ? `${u}|${s.pair}` : u, s.versions[u]!]))),
    source,
  };
}

/** Writes one file and returns its size and sha256. */
type Write = (spec: FileSpec, path: string, opts: WriteOpts) => Promise<{ size: number; sha256: string }>;

/**
 * Runs `job` over the specs on `workers` concurrent jobs (each writes its file, then uploads it). The files
 * are written by a pool of processes, one per core at most (parquet-wasm's writer is synchronous work),
 * started when the first file needs writing (the units layout writes none); with one job, in this process.
 */
async function runFiles<T>(specs: readonly FileSpec[], workers: number, job: (spec: FileSpec, write: Write) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(specs.length);
  const jobs = Math.min(workers, Math.max(1, specs.length));
  const processes = Math.min(jobs, availableParallelism());
  let pool: WriterPool | null = null;
  const write: Write = (spec, path, opts) => (processes <= 1 ? writeFile(spec, path, opts) : (pool ??= new WriterPool(processes)).write({ spec, path, opts }));
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < specs.length; k = next++) out[k] = await job(specs[k]!, write);
  };
  try {
    await Promise.all(Array.from({ length: jobs }, worker));
  } finally {
    await (pool as WriterPool | null)?.close();
  }
  return out;
}

export { verifyExport, type VerifyResult } from './manifest.ts';
export { LAYOUTS, type Layout } from './layout.ts';
export { COMPRESSIONS, type Compression } from './write.ts';
export type { ExportedFile } from './manifest.ts';
export type { ObjectStore };
