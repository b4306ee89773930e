// Zips that must not exhaust memory: a cap on the unzipped size, checked on the sizes the zip declares
// before inflating, and a zip that understates its sizes inflates no further than it declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zipSync } from 'fflate';
import { readHistData } from '../../src/io/ingest/index.ts';
import { MAX_UNZIPPED_BYTES, unpack } from '../../src/io/ingest/zip.ts';

const LINE = '20170601 100000;1.100000;1.200000;1.000000;1.100000;0\n';
/** A zip of `n` copies of one HistData line: compresses about 1000 to 1. */
const bomb = (n: number) => zipSync({ 'DAT_ASCII_EURUSD_M1_2017.csv': new TextEncoder().encode(LINE.repeat(n)) });

/** Sets the uncompressed size of the zip's first entry in its local header and its central directory. */
function declareSize(zip: Uint8Array, size: number): Uint8Array {
  const z = zip.slice();
  const dv = new DataView(z.buffer);
  dv.setUint32(22, size, true);
  let cd = z.length - 22;
  while (dv.getUint32(cd, true) !== 0x02014b50) cd--;
  dv.setUint32(cd + 24, size, true);
  return z;
}

test('a zip that unpacks to more than the cap is a file defect, refused on its declared size', () => {
  const zip = bomb(40_000); // 2.16 MB of text
  assert.ok(zip.length < 50_000);
  const r = readHistData(zip, 'HISTDATA_COM_ASCII_EURUSD_M1_2017.zip', { maxUnzippedBytes: 1 << 20 });
  assert.equal(r.fatal, true);
  assert.equal(r.bars.ts.length, 0);
  assert.match(r.defects[0]!.message, new RegExp(`the zip unpacks to ${40_000 * LINE.length} bytes, more than the limit of 1048576 \\(a zip bomb`));
  // The same zip under the default cap reads: one good bar, then 39,999 duplicates.
  const ok = readHistData(zip, 'HISTDATA_COM_ASCII_EURUSD_M1_2017.zip');
  assert.equal(ok.bars.ts.length, 1);
  assert.equal(ok.defects.length, 39_999);
});

test('a zip declaring 4 GB is refused under the default cap without inflating anything', () => {
  const out = unpack(declareSize(bomb(10), 0xfffffff0), 'x.zip');
  assert.ok('error' in out);
  assert.match(out.error, new RegExp(`unpacks to 4294967280 bytes, more than the limit of ${MAX_UNZIPPED_BYTES}`));
});

test('a zip understating its size inflates no more than it declares (the rest is cut, reported as a bad line)', () => {
  const zip = declareSize(bomb(40_000), 100); // 2.16 MB of text declared as 100 bytes
  const out = unpack(zip, 'x.zip', 1 << 20);
  assert.ok(!('error' in out));
  assert.equal(out.bytes.length, 100);
  const r = readHistData(zip, 'HISTDATA_COM_ASCII_EURUSD_M1_2017.zip', { maxUnzippedBytes: 1 << 20 });
  assert.deepEqual(r.defects.map((d) => `${d.line} ${d.kind}`), ['2 malformed']);
});

test('a zip with no data file (only a .txt report and a directory) says so', () => {
  const zip = zipSync({ 'readme.txt': new TextEncoder().encode('status'), 'dir/': new Uint8Array(0) });
  const out = unpack(zip, 'x.zip');
  assert.ok('error' in out);
  assert.equal(out.error, 'the zip holds no data file (only directories or .txt reports)');
});
