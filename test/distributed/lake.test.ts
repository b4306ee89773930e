// The shared lake of distributed runs on both object stores (a directory, and S3 through a real moto
// server): a worker's upload is found by another worker's cache with its size and sha256, downloaded
// once, downloaded again when the cached copy differs, and refused when the object is missing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LocalObjectStore, S3ObjectStore, type ObjectStore } from '../../src/io/objectstore/index.ts';
import { lakeKey, RemoteLake } from '../../src/distributed/lake.ts';
import { tempDir } from '../helpers/tmp.ts';
import { createBucket, DUMMY_CREDENTIALS, motoUnavailable, startMoto } from '../export/moto.ts';

const FILE = { unit: 'cross.month', pair: 'USDJPY', month: '2024-08' };

async function roundTrip(objects: ObjectStore): Promise<void> {
  const a = new RemoteLake(objects, tempDir('bqx-cache-a-')), b = new RemoteLake(objects, tempDir('bqx-cache-b-'));
  const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 251));
  const sha = createHash('sha256').update(bytes).digest('hex');
  mkdirSync(dirname(a.cachePath(FILE)), { recursive: true });
  writeFileSync(a.cachePath(FILE), bytes);
  assert.equal(await a.upload(FILE, { size: bytes.length, sha256: sha }), `${objects.location}/cross.month/pair=USDJPY/month=2024-08.parquet`);
  assert.equal(lakeKey(FILE), 'cross.month/pair=USDJPY/month=2024-08.parquet');
  assert.deepEqual(await b.stored(FILE), { size: bytes.length, sha256: sha });

  const path = await b.download(FILE);
  assert.equal(path, join(b.cacheDir, 'lake', 'cross.month', 'pair=USDJPY', 'month=2024-08.parquet'));
  assert.ok(readFileSync(path).equals(bytes));
  writeFileSync(path, Buffer.concat([bytes.subarray(1), Buffer.from([0])])); // same size, other content
  await b.download(FILE);
  assert.ok(readFileSync(path).equals(bytes), 'a cached copy with another checksum is replaced');
  await assert.rejects(b.download({ ...FILE, month: '2024-09' }), /lake has no cross\.month\/pair=USDJPY\/month=2024-09\.parquet/);
}

test('lake on a directory', async () => {
  await roundTrip(new LocalObjectStore(tempDir('bqx-lake-')));
});

test('lake on S3 (moto)', async (t) => {
  const why = motoUnavailable();
  if (why) return t.skip(why);
  Object.assign(process.env, DUMMY_CREDENTIALS);
  const moto = await startMoto();
  after(() => moto.stop());
  await createBucket(moto.endpoint, 'bqx-lake');
  const objects = new S3ObjectStore({ bucket: 'bqx-lake', prefix: 'runs/a' }, { endpoint: moto.endpoint, pathStyle: true });
  try {
    await roundTrip(objects);
  } finally {
    objects.close();
  }
});
