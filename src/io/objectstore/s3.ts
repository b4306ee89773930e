// An S3 bucket (AWS or any S3-compatible server) as object storage. Credentials come only from the
// SDK's default chain (environment, shared profile, instance role) and are never read or printed here.
// Large files go up as multipart uploads (lib-storage), which abort their parts when they fail; the
// SDK retries throttling, 5xx, timeouts and resets with exponential backoff; every put is verified by
// reading the object back (S3-compatible servers differ in which checksums they return).
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand,
  ListObjectsV2Command, S3Client, type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { hashStream } from './hash.ts';
import { SHA256_META, type ObjectInfo, type ObjectStore, type S3Destination } from './types.ts';

export interface S3Options {
  /** Custom endpoint of an S3-compatible server (http://127.0.0.1:9000). */
  readonly endpoint?: string;
  readonly region?: string;
  /** Path-style URLs (endpoint/bucket/key), which most S3-compatible servers need. */
  readonly pathStyle?: boolean;
  /** Multipart part size in bytes (S3's minimum is 5 MiB); files up to this size are one PUT. */
  readonly partSize?: number;
  /** Parts of one file in flight at once. */
  readonly queueSize?: number;
  /** HTTP attempts per request, the first included (SDK standard retry mode). */
  readonly maxAttempts?: number;
  /** A request whose socket is idle this long fails with a timeout (and is retried). */
  readonly timeoutMs?: number;
}

export const DEFAULT_PART_SIZE = 16 << 20;

const isMissing = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404;
};

export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  private readonly client: S3Client;
  private requests = 0;
  private attempts = 0;

  constructor(private readonly dest: S3Destination, private readonly opts: S3Options = {}) {
    this.location = `s3://${dest.bucket}${dest.prefix ? '/' + dest.prefix : ''}`;
    const config: S3ClientConfig = {
      region: opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      forcePathStyle: opts.pathStyle === true,
      maxAttempts: opts.maxAttempts ?? 6,
      retryMode: 'standard',
      requestHandler: { connectionTimeout: 10_000, socketTimeout: opts.timeoutMs ?? 120_000 },
      ...(opts.endpoint ? {
        endpoint: opts.endpoint,
        // DESIGN.md: default CRC32 trailers break some S3-compatible servers; puts are read back instead.
        requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
      } : {}),
    };
    // The pinned SDK supports Node 20; its notice that later versions will not would reach every user's terminal.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client = new S3Client(config);
    // Count every request and every HTTP attempt (the retry middleware calls the next step once per attempt).
    // (`as never`: the middleware is step-agnostic, the SDK's types are per step.)
    const counter = (count: () => void) => (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => { count(); return next(args); };
    this.client.middlewareStack.add(counter(() => this.requests++) as never, { step: 'initialize', name: 'bqxRequestCounter' });
    this.client.middlewareStack.addRelativeTo(counter(() => this.attempts++) as never, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'bqxAttemptCounter' });
  }

  private full(key: string): string {
    return this.dest.prefix ? `${this.dest.prefix}/${key}` : key;
  }

  private relative(full: string): string {
    return this.dest.prefix ? full.slice(this.dest.prefix.length + 1) : full;
  }

  async put(key: string, source: string | Uint8Array, expect: { size: number; sha256: string }): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.dest.bucket, Key: this.full(key), Body: typeof source === 'string' ? createReadStream(source) : source,
        ContentLength: expect.size, Metadata: { [SHA256_META]: expect.sha256 },
      },
      partSize: Math.max(this.opts.partSize ?? DEFAULT_PART_SIZE, 5 << 20),
      queueSize: this.opts.queueSize ?? 2,
      leavePartsOnError: false,
    });
    await upload.done();
    const got = await this.digest(key);
    if (!got || got.size !== expect.size || got.sha256 !== expect.sha256) {
      throw new Error(`${key}: read back ${got ? `${got.size} bytes sha256 ${got.sha256}` : 'nothing'}, expected ${expect.size} bytes sha256 ${expect.sha256}`);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.dest.bucket, Key: this.full(key) }));
      const sha = r.Metadata?.[SHA256_META];
      return { key, size: r.ContentLength ?? 0, ...(sha ? { sha256: sha } : {}) };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async get(key: string): Promise<Uint8Array> {
    const r = await this.client.send(new GetObjectCommand({ Bucket: this.dest.bucket, Key: this.full(key) }));
    return r.Body!.transformToByteArray();
  }

  async digest(key: string): Promise<{ size: number; sha256: string } | null> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.dest.bucket, Key: this.full(key) }));
      return await hashStream(r.Body as Readable);
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async list(prefix = ''): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const r = await this.client.send(new ListObjectsV2Command({
        Bucket: this.dest.bucket, Prefix: this.full(prefix), ContinuationToken: token,
      }));
      for (const o of r.Contents ?? []) out.push({ key: this.relative(o.Key!), size: o.Size ?? 0 });
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(keys: readonly string[]): Promise<void> {
    // One DeleteObject per key: DeleteObjects needs a Content-MD5 or checksum header that not every
    // S3-compatible server accepts.
    for (const k of keys) await this.client.send(new DeleteObjectCommand({ Bucket: this.dest.bucket, Key: this.full(k) }));
  }

  /** Aborts incomplete multipart uploads under the prefix (a failed abort or a killed process leaves them). */
  async cleanup(): Promise<number> {
    const r = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.dest.bucket, Prefix: this.dest.prefix ? this.dest.prefix + '/' : undefined }));
    const open = r.Uploads ?? [];
    for (const u of open) await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.dest.bucket, Key: u.Key!, UploadId: u.UploadId! }));
    return open.length;
  }

  stats() {
    return { requests: this.requests, retries: this.attempts - this.requests };
  }

  close(): void {
    this.client.destroy();
  }
}
