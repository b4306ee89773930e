// A local export destination writes each file's bytes once: a file staged in the destination
// (stagingPath) is renamed into place — the same inode — and trusted with the checksum its writer
// computed; a file from elsewhere is copied and hashed again. Oracles: inode numbers, node:crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LocalObjectStore } from '../../src/io/objectstore/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const bytes = new TextEncoder().encode('parquet bytes stand-in\n'.repeat(1000));
const digest = { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };

test('a file staged in the destination is renamed into place: the same inode, no temp left, listed once', async () => {
  const store = new LocalObjectStore(tempDir('bqx-local-'));
  const key = 'features/pair=EURUSD/month=2024-07/part-0.parquet';
  const staged = store.stagingPath(key);
  assert.equal(dirname(staged), join(store.location, dirname(key)), 'staged beside its object (same file system)');
  writeFileSync(staged, bytes);
  const ino = statSync(staged).ino;
  assert.deepEqual(await store.list(), [], 'a staged file is not an object');
  await store.put(key, staged, digest);
  assert.equal(statSync(join(store.location, key)).ino, ino, 'moved, not copied');
  assert.equal(existsSync(staged), false);
  assert.deepEqual(readdirSync(dirname(staged)), ['part-0.parquet']);
  assert.deepEqual(await store.digest(key), digest);
});

test('a staged file of another size than the caller hashed is refused', async () => {
  const store = new LocalObjectStore(tempDir('bqx-local-'));
  const staged = store.stagingPath('a.parquet');
  writeFileSync(staged, bytes.subarray(1));
  await assert.rejects(store.put('a.parquet', staged, digest), /staged \d+ bytes, expected \d+/);
});

test('a file from outside the destination is copied (the source stays) and its copy hashed', async () => {
  const src = join(tempDir('bqx-src-'), 'f.parquet');
  writeFileSync(src, bytes);
  const store = new LocalObjectStore(tempDir('bqx-local-'));
  await store.put('f.parquet', src, digest);
  assert.ok(existsSync(src));
  assert.notEqual(statSync(join(store.location, 'f.parquet')).ino, statSync(src).ino);
  await assert.rejects(store.put('g.parquet', src, { ...digest, sha256: '0'.repeat(64) }), /expected \d+ bytes sha256 0{64}/);
});
