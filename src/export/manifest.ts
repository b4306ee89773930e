// manifest.json: what an export holds (every object with its size and sha256, rows, time ranges, data
// versions, the validation verdict), and `bqx export --verify`, which re-checks the destination against it.
import type { ObjectStore } from '../io/objectstore/index.ts';
import { EXPORT_FOLDERS, type Layout } from './layout.ts';

export interface ExportedFile {
  readonly path: string;
  /** '*' for a file holding every pair of the month (then `pairs` lists them). */
  readonly pair: string;
  readonly pairs?: readonly string[];
  readonly month: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly from: string;
  readonly to: string;
  readonly dataVersions: Readonly<Record<string, string>>;
  /** sha256 of what the file was made from (data versions, columns, options): unchanged = no rewrite. */
  readonly source: string;
}

export interface ExportedObject { readonly path: string; readonly bytes: number; readonly sha256: string }

export interface Manifest {
  readonly format: string;
  readonly createdAt: string;
  readonly layout: Layout;
  readonly compression: string;
  readonly validated: boolean;
  readonly validation: { readonly validated: boolean; readonly report: string | null; readonly message: string };
  readonly dtype: 'float32' | 'float64';
  /** The columns of every file (wide layout; the seed layout's are in catalog.json). */
  readonly columns?: readonly string[];
  readonly featureCount: number;
  readonly targetCount: number;
  readonly rows: number;
  /** The Parquet files. */
  readonly files: readonly ExportedFile[];
  /** Every other object (catalog.json, validation reports, run logs). */
  readonly objects: readonly ExportedObject[];
  readonly missing: readonly string[];
}

export async function readManifest(store: ObjectStore): Promise<Manifest | null> {
  if (!(await store.head('manifest.json'))) return null;
  const m = JSON.parse(new TextDecoder().decode(await store.get('manifest.json'))) as Manifest;
  return Array.isArray(m.files) ? { ...m, objects: m.objects ?? [] } : null;
}

export interface VerifyResult {
  readonly destination: string;
  readonly checked: number;
  readonly bytes: number;
  /** One line per difference: missing, wrong size, wrong checksum, or not listed in the manifest. */
  readonly problems: string[];
}

/** Reads every object the manifest lists back and compares size and sha256; lists objects it does not know. */
export async function verifyExport(store: ObjectStore, onProgress?: (done: number, total: number) => void): Promise<VerifyResult> {
  const manifest = await readManifest(store);
  if (!manifest) return { destination: store.location, checked: 0, bytes: 0, problems: [`${store.location}: no manifest.json`] };
  const listed = [...manifest.files.map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256 })), ...manifest.objects];
  const problems: string[] = [];
  let bytes = 0, done = 0;
  for (const o of listed) {
    const got = await store.digest(o.path);
    if (!got) problems.push(`${o.path}: missing`);
    else if (got.size !== o.bytes) problems.push(`${o.path}: ${got.size} bytes, the manifest says ${o.bytes}`);
    else if (got.sha256 !== o.sha256) problems.push(`${o.path}: sha256 ${got.sha256}, the manifest says ${o.sha256}`);
    bytes += got?.size ?? 0;
    onProgress?.(++done, listed.length);
  }
  const known = new Set([...listed.map((o) => o.path), 'manifest.json']);
  for (const o of await store.list()) {
    if (!known.has(o.key) && EXPORT_FOLDERS.some((d) => o.key.startsWith(d))) problems.push(`${o.key}: not in the manifest`);
  }
  return { destination: store.location, checked: listed.length, bytes, problems };
}
