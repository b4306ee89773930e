// Opens the object store of an export destination: `s3://bucket/prefix` or a local directory.
import { LocalObjectStore } from './local.ts';
import { S3ObjectStore, type S3Options } from './s3.ts';
import { parseS3Url, type ObjectStore } from './types.ts';

export function openObjectStore(out: string, s3: S3Options = {}): ObjectStore {
  const dest = parseS3Url(out);
  return dest ? new S3ObjectStore(dest, s3) : new LocalObjectStore(out);
}

export { LocalObjectStore } from './local.ts';
export { S3ObjectStore, DEFAULT_PART_SIZE, type S3Options } from './s3.ts';
export { parseS3Url, type ObjectInfo, type ObjectStore, type S3Destination } from './types.ts';
export { hashFile } from './hash.ts';
