// A real S3 API server on loopback for the tests: moto (`python3 -m moto.server`), with dummy
// credentials in the environment; null (and the tests skip visibly) when it cannot be started.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

export interface Moto { readonly endpoint: string; readonly port: number; stop(): void }

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Why no server can be started here, or null when moto is available. */
export function motoUnavailable(): string | null {
  const r = spawnSync('python3', ['-c', 'import moto.server'], { encoding: 'utf8' });
  return r.status === 0 ? null : `python3 with moto[server] is not installed (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`;
}

// (The SDK's notice about future Node versions is switched off as bqx does: it would clutter test output.)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const DUMMY_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIATESTBQXKEYID0000', AWS_SECRET_ACCESS_KEY: 'bqx-test-secret-Zq8vN3xW5pL2', AWS_REGION: 'us-east-1' };

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const proc: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) { // up to a minute on a loaded machine
    try {
      const r = await fetch(`${endpoint}/moto-api/`);
      if (r.status < 500) return { endpoint, port, stop: () => proc.kill('SIGTERM') };
    } catch { /* not listening yet */ }
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error(`moto did not start on port ${port}`);
}

export function testClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: DUMMY_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: DUMMY_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function createBucket(endpoint: string, bucket: string): Promise<void> {
  const c = testClient(endpoint);
  try { await c.send(new CreateBucketCommand({ Bucket: bucket })); } finally { c.destroy(); }
}
