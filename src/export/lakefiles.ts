// The lake files an export reads (wide, seed) or carries as they are (units): each unit's file of a
// pair-month with what its done manifest recorded (rows, bytes, sha256, the hash of its timestamps), and
// whether the file is still the one recorded, proven by a stat where it can be (no read), else by reading.
import { statSync } from 'node:fs';
import { existingAncestor } from '../core/disk.ts';
import { hashFile } from '../io/objectstore/index.ts';
import { readParquetColumns } from '../io/parquet.ts';
import { tsHash } from '../pipeline/colstats.ts';
import { lakeDir, recordedFile, writtenAsRecorded } from '../pipeline/lake.ts';
import type { ManifestRecord } from '../store/types.ts';

export interface LakeFile {
  readonly unit: string;
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  /** sha256 of the file as written ('' when the manifest has none). */
  readonly sha256: string;
  /** sha256 of the timestamps' float64 bytes (pipeline/colstats.ts), null when no statistics were recorded. */
  readonly tsHash: string | null;
  /** When the done manifest was written (epoch ms): after the file was renamed into place. */
  readonly finishedAt: number;
}

/** `pair`'s file of a done manifest. */
export function lakeFile(m: ManifestRecord, pair: string, path: string): LakeFile {
  const r = recordedFile(m, pair);
  return {
    unit: m.stage, path, rows: r.rows ?? -1, bytes: r.bytes ?? -1, sha256: r.checksum ?? '',
    tsHash: typeof r.stats?.tsHash === 'string' ? r.stats.tsHash : null, finishedAt: m.finishedAt,
  };
}

/** Whether the file is the one its manifest describes, by stat (pipeline/lake.ts writtenAsRecorded). */
function unchanged(f: LakeFile): boolean {
  return f.sha256 !== '' && writtenAsRecorded(f.path, f.bytes, f.finishedAt);
}

/** The file's size and sha256: the recorded ones when the stat proves them, else hashed (and then they must match). */
export async function lakeDigest(f: LakeFile): Promise<{ size: number; sha256: string }> {
  if (unchanged(f)) return { size: f.bytes, sha256: f.sha256 };
  const got = await hashFile(f.path);
  if (f.sha256 !== '' && got.sha256 !== f.sha256) {
    throw new Error(`${f.path}: the lake file changed since it was computed (sha256 ${got.sha256}, its manifest says ${f.sha256}); recompute it with bqx run --force`);
  }
  return got;
}

/** Rows and time span (epoch ms) of a pair-month. */
export interface Span { readonly rows: number; readonly from: number; readonly to: number }

/**
 * Proves that every unit's file of a pair-month holds the same rows (timestamps), which a positional join
 * needs, and returns their span. Only the first file's ts column is read; the others' recorded timestamp
 * hashes stand for theirs while their stat proves them unchanged (a file without one is read too).
 */
export async function pairMonthSpan(files: readonly LakeFile[], what: string): Promise<Span> {
  const readTs = async (f: LakeFile) => (await readParquetColumns(f.path, [])).ts;
  const ts = await readTs(files[0]!);
  const want = tsHash(ts);
  for (const f of files.slice(1)) {
    const recorded = f.tsHash !== null && f.rows >= 0 && unchanged(f);
    const same = recorded ? f.rows === ts.length && f.tsHash === want : tsHash(await readTs(f)) === want;
    if (!same) throw new Error(`${what}: the stages' rows differ (${files[0]!.unit} and ${f.unit}; recompute with bqx run --force)`);
  }
  let from = Infinity, to = -Infinity;
  for (let i = 0; i < ts.length; i++) {
    if (ts[i]! < from) from = ts[i]!;
    if (ts[i]! > to) to = ts[i]!;
  }
  return { rows: ts.length, from, to };
}

/** Whether a local destination is on the lake's file system (a units-layout export there is hard links: ≈ 0 bytes). */
export function onLakeFileSystem(dataDir: string, out: string): boolean {
  return statSync(existingAncestor(lakeDir(dataDir))).dev === statSync(existingAncestor(out)).dev;
}
