// Object storage (DESIGN.md "Storage"): the small interface every export destination implements, a
// local directory or an S3 bucket, so the export has one code path for both.

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  /** sha256 hex the store recorded with the object (S3 user metadata), when it has one. */
  readonly sha256?: string;
}

export interface ObjectStore {
  /** Where the objects go, for messages: a path or s3://bucket/prefix (never an endpoint's credentials). */
  readonly location: string;
  /**
   * Stores the file at `path` (or the bytes) under `key` and verifies it: the object read back must
   * have `size` bytes and this sha256, else the put throws (and the caller retries).
   */
  put(key: string, source: string | Uint8Array, expect: { readonly size: number; readonly sha256: string }): Promise<void>;
  /** Size and recorded checksum, or null when there is no such object. */
  head(key: string): Promise<ObjectInfo | null>;
  get(key: string): Promise<Uint8Array>;
  /** Reads the object back and hashes it: { size, sha256 } as stored, or null when absent. */
  digest(key: string): Promise<{ size: number; sha256: string } | null>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix?: string): Promise<ObjectInfo[]>;
  delete(keys: readonly string[]): Promise<void>;
  /** Removes what a failed upload may have left (S3: incomplete multipart uploads); returns how many. */
  cleanup(): Promise<number>;
  /** Requests sent and retries made so far (S3: every HTTP attempt counted). */
  stats(): { requests: number; retries: number };
  close(): void;
}

export interface S3Destination {
  readonly bucket: string;
  /** Key prefix without a trailing slash ('' for the bucket root). */
  readonly prefix: string;
}

/** Parses s3://bucket/prefix; null when `out` is not an s3:// URL. */
export function parseS3Url(out: string): S3Destination | null {
  if (!out.startsWith('s3://')) return null;
  const rest = out.slice(5);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  // Bucket names: 3-63 lower-case letters, digits, dots and hyphens (the S3 naming rules).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`${out}: not a valid S3 bucket name (${JSON.stringify(bucket)})`);
  if (prefix !== '' && prefix.split('/').some((p) => p === '' || p === '.' || p === '..')) throw new Error(`${out}: the key prefix has an empty, '.' or '..' segment`);
  return { bucket, prefix };
}

/** The sha256 user-metadata name under which put records an object's checksum. */
export const SHA256_META = 'sha256';
