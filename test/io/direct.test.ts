// io/direct.ts: a file written through O_DIRECT (aligned staging, padded tail cut back) holds exactly the
// bytes given, whatever the chunk sizes, as does the plain path. (The fallback on a file system that refuses
// O_DIRECT cannot be provoked here: tmpfs takes it since Linux 6.6; it is the plain path once opened.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SequentialFile } from '../../src/io/direct.ts';
import { rng } from '../helpers/rng.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Chunks of awkward sizes: empty, one byte, a block ± 1, larger than the 8 MiB staging buffer, and an odd tail. */
function chunks(): Uint8Array[] {
  const r = rng(7);
  return [0, 1, 4095, 4097, 9 << 20, 3, (8 << 20) - 5, 12_345].map((n) => Uint8Array.from({ length: n }, () => Math.floor(r() * 256)));
}

function writeAndRead(dir: string, direct: boolean): { bytes: Buffer; size: number; direct: boolean } {
  const path = join(dir, `f-${direct}`);
  const file = SequentialFile.create(path, direct);
  for (const c of chunks()) file.write(c);
  file.close();
  return { bytes: readFileSync(path), size: file.size, direct: file.direct };
}

const expected = Buffer.concat(chunks());

test('a file written around the page cache holds exactly the bytes written (chunks across the staging buffer, odd tail)', () => {
  const dir = tempDir('bqx-direct-');
  for (const direct of [true, false]) {
    const got = writeAndRead(dir, direct);
    assert.equal(got.size, expected.length);
    assert.ok(got.bytes.equals(expected), `direct requested: ${direct}, used: ${got.direct}`);
    if (!direct) assert.equal(got.direct, false);
  }
});

test('on tmpfs (memory, another file system) the file holds the same bytes', { skip: existsSync('/dev/shm') ? false : 'no /dev/shm here' }, () => {
  const dir = mkdtempSync('/dev/shm/bqx-direct-');
  try {
    const got = writeAndRead(dir, true);
    assert.equal(got.size, expected.length);
    assert.ok(got.bytes.equals(expected), `direct I/O used: ${got.direct}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
