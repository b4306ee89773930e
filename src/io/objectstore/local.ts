// A local directory as object storage: keys are relative paths; puts are atomic (temp + rename). A file
// staged in the directory itself (stagingPath) is renamed into place, so its bytes are written once and
// hashed once (by the caller, who hands the checksum in); any other file is copied and hashed in place,
// or hard-linked (link) when the caller knows it is never modified in place.
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../parquet.ts';
import { hashFile } from './hash.ts';
import type { ObjectInfo, ObjectStore } from './types.ts';

const TEMP = /\.tmp-\d+-\w+$/;
const tempName = (path: string) => `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;

export class LocalObjectStore implements ObjectStore {
  readonly location: string;
  private puts = 0;

  constructor(readonly root: string) {
    this.location = resolve(root);
  }

  private path(key: string): string {
    const p = resolve(this.location, key);
    if (!p.startsWith(this.location + sep)) throw new Error(`object key ${JSON.stringify(key)} leaves ${this.location}`);
    return p;
  }

  /**
   * A temporary path next to `key`'s object (same file system, ignored by list, removed by cleanup): a file
   * written there and then put under `key` is renamed into place, not copied.
   */
  stagingPath(key: string): string {
    const dest = this.path(key);
    mkdirSync(dirname(dest), { recursive: true });
    return tempName(dest);
  }

  async put(key: string, source: string | Uint8Array, expect: { size: number; sha256: string }): Promise<void> {
    const dest = this.path(key);
    this.puts++;
    if (typeof source === 'string' && dirname(resolve(source)) === dirname(dest) && TEMP.test(source)) {
      // Staged here: the same inode moves into place, so the caller's checksum of these bytes stands; a
      // size mismatch still catches a caller that hashed another file.
      renameSync(source, dest);
      const size = statSync(dest).size;
      if (size !== expect.size) throw new Error(`${key}: staged ${size} bytes, expected ${expect.size}`);
      return;
    }
    if (typeof source !== 'string') writeFileAtomic(dest, source);
    else {
      mkdirSync(dirname(dest), { recursive: true });
      const tmp = tempName(dest);
      copyFileSync(source, tmp);
      renameSync(tmp, dest);
    }
    const got = await hashFile(dest);
    if (got.size !== expect.size || got.sha256 !== expect.sha256) {
      throw new Error(`${key}: written ${got.size} bytes sha256 ${got.sha256}, expected ${expect.size} bytes sha256 ${expect.sha256}`);
    }
  }

  /**
   * Places the file at `source` under `key` as a hard link (the same inode: no bytes written, no extra disk;
   * atomic: a link beside the object renamed over it). 'same' when `key` is that inode already; null when
   * they are on different file systems (EXDEV: the caller copies with put instead). The source must never
   * be modified in place afterwards (the lake replaces files by rename, which leaves the link's inode alone).
   */
  link(key: string, source: string, size: number): 'same' | 'linked' | null {
    const dest = this.path(key);
    const src = statSync(source);
    if (src.size !== size) throw new Error(`${key}: ${source} has ${src.size} bytes, expected ${size}`);
    const cur = existsSync(dest) ? statSync(dest) : null;
    // (Checked first: rename over another link of the same inode does nothing and would leave the temp.)
    if (cur && cur.ino === src.ino && cur.dev === src.dev) return 'same';
    mkdirSync(dirname(dest), { recursive: true });
    const tmp = tempName(dest);
    try {
      linkSync(source, tmp);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EXDEV') return null;
      throw e;
    }
    renameSync(tmp, dest);
    this.puts++;
    return 'linked';
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const p = this.path(key);
    return existsSync(p) ? { key, size: statSync(p).size } : null;
  }

  async get(key: string): Promise<Uint8Array> {
    return readFileSync(this.path(key));
  }

  async digest(key: string): Promise<{ size: number; sha256: string } | null> {
    const p = this.path(key);
    return existsSync(p) ? hashFile(p) : null;
  }

  async list(prefix = ''): Promise<ObjectInfo[]> {
    if (!existsSync(this.location)) return [];
    return readdirSync(this.location, { recursive: true, encoding: 'utf8' })
      .map((f) => f.split(sep).join('/'))
      .filter((key) => key.startsWith(prefix) && !TEMP.test(key) && statSync(join(this.location, key)).isFile())
      .sort()
      .map((key) => ({ key, size: statSync(join(this.location, key)).size }));
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const k of keys) rmSync(this.path(k), { force: true });
  }

  /** Temporary files of a killed export. */
  async cleanup(): Promise<number> {
    if (!existsSync(this.location)) return 0;
    const stale = readdirSync(this.location, { recursive: true, encoding: 'utf8' }).filter((f) => TEMP.test(f));
    for (const f of stale) rmSync(join(this.location, f), { force: true });
    return stale.length;
  }

  stats() {
    return { requests: this.puts, retries: 0 };
  }

  close(): void {}
}
