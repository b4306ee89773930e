// The shared lake of a distributed run on object storage (a directory or s3://bucket/prefix), with the
// local lake's layout: <lake>/<unit>/pair=<PAIR>/month=<YYYY-MM>.parquet. A worker downloads the
// upstream files it reads into a local cache (laid out as a local lake, so the task code reads them
// unchanged), verified by size and sha256, and uploads its outputs with a read-back check.
import { existsSync } from 'node:fs';
import { writeFileAtomic } from '../io/parquet.ts';
import { hashFile, type ObjectStore } from '../io/objectstore/index.ts';
import { sha256 } from '../core/hash.ts';
import { partitionPath } from '../pipeline/lake.ts';

/** One pair's file of a partition (a month fan-in partition has one per pair). */
export interface LakeFile { readonly unit: string; readonly pair: string; readonly month: string }

export function lakeKey(f: LakeFile): string {
  return `${f.unit}/pair=${f.pair}/month=${f.month}.parquet`;
}

export class RemoteLake {
  constructor(readonly objects: ObjectStore, readonly cacheDir: string) {}

  /** Where the file lives in the worker's cache (a local lake under cacheDir). */
  cachePath(f: LakeFile): string {
    return partitionPath(this.cacheDir, f.unit, f.pair, f.month);
  }

  /** The object's URL, for manifests and messages. */
  url(f: LakeFile): string {
    return `${this.objects.location.replace(/\/+$/, '')}/${lakeKey(f)}`;
  }

  /** Size and sha256 of the stored object, or null when absent (S3 records the sha256; a directory is hashed). */
  async stored(f: LakeFile): Promise<{ size: number; sha256: string } | null> {
    const head = await this.objects.head(lakeKey(f));
    if (!head) return null;
    return head.sha256 ? { size: head.size, sha256: head.sha256 } : this.objects.digest(lakeKey(f));
  }

  /** Makes the cache hold the stored object (downloads unless the cached copy has its checksum); returns the path. */
  async download(f: LakeFile): Promise<string> {
    const path = this.cachePath(f);
    const want = await this.stored(f);
    if (!want) throw new Error(`lake has no ${lakeKey(f)} (its upstream partition is not done)`);
    if (existsSync(path)) {
      const have = await hashFile(path);
      if (have.size === want.size && have.sha256 === want.sha256) return path;
    }
    const bytes = await this.objects.get(lakeKey(f));
    const got = sha256(bytes);
    if (bytes.length !== want.size || got !== want.sha256) {
      throw new Error(`${lakeKey(f)}: downloaded ${bytes.length} bytes sha256 ${got}, stored ${want.size} bytes sha256 ${want.sha256}`);
    }
    writeFileAtomic(path, bytes);
    return path;
  }

  /** Uploads a cached output (verified by the object store's read-back); returns the object's URL. */
  async upload(f: LakeFile, expect: { size: number; sha256: string }): Promise<string> {
    await this.objects.put(lakeKey(f), this.cachePath(f), expect);
    return this.url(f);
  }
}
