// Helpers of the export tests: bqx in a child process without blocking the event loop (the fault
// proxy runs in the test's process), and S3 objects fetched with a client of the test's own.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { BIN, type CliResult } from '../helpers/cli.ts';

export function bqxAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> & { kill(): void } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
  return Object.assign(done, { kill: () => child.kill('SIGKILL') });
}

export async function listKeys(c: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const r = await c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(r.Contents ?? []).map((o) => o.Key!.slice(prefix.length)));
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export async function getObject(c: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  return (await c.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray();
}

/** Copies every object under the prefix into `dir` (keys relative to the prefix). */
export async function download(c: S3Client, bucket: string, prefix: string, dir: string): Promise<string[]> {
  const keys = await listKeys(c, bucket, prefix);
  for (const k of keys) {
    const path = join(dir, k);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await getObject(c, bucket, prefix + k));
  }
  return keys;
}
