// The object-store interface against a local directory and a real S3 API server (moto on loopback):
// the same contract for both, multipart uploads, cleanup of incomplete uploads, and puts that
// complete through injected faults (500, 503, resets, responses held past the timeout).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateMultipartUploadCommand, HeadObjectCommand, ListMultipartUploadsCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { LocalObjectStore, S3ObjectStore, type ObjectStore } from '../../src/io/objectstore/index.ts';
import { putWithRetries } from '../../src/export/transfer.ts';
import { tempDir } from '../helpers/tmp.ts';
import { startFaultProxy } from '../export/fault-proxy.ts';
import { createBucket, DUMMY_CREDENTIALS, motoUnavailable, startMoto, testClient, type Moto } from '../export/moto.ts';

const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const noMoto = motoUnavailable();
if (noMoto) console.log(`# skipping the S3 tests: ${noMoto}`);

function contract(name: string, open: () => ObjectStore) {
  test(`${name}: put, head, get, digest, list, delete`, async () => {
    const s = open();
    try {
      const a = randomBytes(1000), b = randomBytes(70_000);
      const dir = tempDir('bqx-os-src-');
      const file = join(dir, 'b.bin');
      writeFileSync(file, b);
      await s.put('x/a.bin', a, { size: a.length, sha256: hex(a) });
      await s.put('x/y/b.bin', file, { size: b.length, sha256: hex(b) });
      await s.put('z.json', new TextEncoder().encode('{}'), { size: 2, sha256: hex(new TextEncoder().encode('{}')) });
      assert.equal((await s.head('x/a.bin'))?.size, 1000);
      assert.equal(await s.head('x/none'), null);
      assert.equal(await s.digest('x/none'), null);
      assert.ok(Buffer.from(await s.get('x/y/b.bin')).equals(b));
      assert.deepEqual(await s.digest('x/y/b.bin'), { size: b.length, sha256: hex(b) });
      assert.deepEqual((await s.list('x/')).map((o) => [o.key, o.size]), [['x/a.bin', 1000], ['x/y/b.bin', 70_000]]);
      assert.deepEqual((await s.list()).map((o) => o.key), ['x/a.bin', 'x/y/b.bin', 'z.json']);
      // A put whose stored bytes do not match the expected checksum fails.
      await assert.rejects(s.put('x/c.bin', a, { size: a.length, sha256: hex(b) }), /expected 1000 bytes sha256/);
      await s.delete(['x/a.bin', 'x/c.bin']);
      assert.deepEqual((await s.list()).map((o) => o.key), ['x/y/b.bin', 'z.json']);
    } finally {
      s.close();
    }
  });
}

contract('local directory', () => new LocalObjectStore(join(tempDir('bqx-os-'), 'out')));

test('local directory: keys cannot leave the root', async () => {
  const s = new LocalObjectStore(tempDir('bqx-os-'));
  await assert.rejects(s.put('../escape', new Uint8Array(1), { size: 1, sha256: hex(new Uint8Array(1)) }), /leaves/);
});

describe('S3 (moto on loopback)', { skip: noMoto ?? false }, () => {
  let moto: Moto;
  before(async () => {
    Object.assign(process.env, DUMMY_CREDENTIALS);
    moto = await startMoto();
    await createBucket(moto.endpoint, 'bqx-os');
  });
  after(() => moto?.stop());
  const open = (prefix: string, extra = {}) => new S3ObjectStore({ bucket: 'bqx-os', prefix }, { endpoint: moto.endpoint, pathStyle: true, partSize: 5 << 20, ...extra });

  contract('S3', () => open('contract/run'));

  test('a file larger than the part size goes up in parts; cleanup aborts incomplete multipart uploads', async () => {
    const s = open('multi');
    const c = testClient(moto.endpoint);
    try {
      const big = randomBytes(12 << 20);
      await s.put('big.bin', big, { size: big.length, sha256: hex(big) });
      const head = await c.send(new HeadObjectCommand({ Bucket: 'bqx-os', Key: 'multi/big.bin' }));
      assert.match(head.ETag ?? '', /-3"?$/, 'a multipart ETag ends with the part count (12 MiB / 5 MiB parts = 3)');
      assert.equal((await s.head('big.bin'))?.sha256, hex(big), 'the checksum is recorded with the object');
      // An upload left open (a killed process) is found and aborted.
      const open1 = await c.send(new CreateMultipartUploadCommand({ Bucket: 'bqx-os', Key: 'multi/orphan.bin' }));
      await c.send(new UploadPartCommand({ Bucket: 'bqx-os', Key: 'multi/orphan.bin', UploadId: open1.UploadId, PartNumber: 1, Body: randomBytes(1000) }));
      assert.equal(await s.cleanup(), 1);
      assert.equal((await c.send(new ListMultipartUploadsCommand({ Bucket: 'bqx-os' }))).Uploads?.length ?? 0, 0);
    } finally {
      s.close();
      c.destroy();
    }
  });

  test('puts complete and verify through 500s, 503s, resets and responses past the timeout', async () => {
    const proxy = await startFaultProxy(moto.endpoint, { error500: 0.08, error503: 0.08, reset: 0.08, slow: 0.06, slowMs: 2500 }, 7);
    const s = new S3ObjectStore({ bucket: 'bqx-os', prefix: 'faults' }, { endpoint: proxy.endpoint, pathStyle: true, partSize: 5 << 20, timeoutMs: 1000 });
    const c = testClient(moto.endpoint);
    try {
      const bodies = [randomBytes(11 << 20), ...Array.from({ length: 12 }, (_, i) => randomBytes(10_000 + i))];
      let wholeRetries = 0;
      for (const [i, b] of bodies.entries()) {
        await putWithRetries(s, `obj-${i}`, b, { size: b.length, sha256: hex(b) }, { attempts: 6, baseMs: 50 }, () => wholeRetries++);
      }
      const direct = new S3ObjectStore({ bucket: 'bqx-os', prefix: 'faults' }, { endpoint: moto.endpoint, pathStyle: true });
      for (const [i, b] of bodies.entries()) assert.deepEqual(await direct.digest(`obj-${i}`), { size: b.length, sha256: hex(b) }, `obj-${i}`);
      direct.close();
      const faults = proxy.counts.error500 + proxy.counts.error503 + proxy.counts.reset + proxy.counts.slow;
      console.log(`# faults injected: ${JSON.stringify(proxy.counts)}; HTTP retries ${s.stats().retries} of ${s.stats().requests} requests; whole-put retries ${wholeRetries}`);
      assert.ok(proxy.counts.error500 > 0 && proxy.counts.error503 > 0 && proxy.counts.reset > 0 && proxy.counts.slow > 0, JSON.stringify(proxy.counts));
      assert.ok(s.stats().retries + wholeRetries >= faults, `every fault was retried (${faults} faults)`);
      assert.equal((await c.send(new ListMultipartUploadsCommand({ Bucket: 'bqx-os', Prefix: 'faults/' }))).Uploads?.length ?? 0, 0, 'no orphaned parts');
    } finally {
      s.close();
      c.destroy();
      await proxy.close();
    }
  });
});
