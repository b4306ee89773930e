// The disk footprint estimator against what the commands really write, and the free-space check against df.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { diskSpace, fmtBytes } from '../../src/core/disk.ts';
import { generateMonths } from '../../src/io/synthetic.ts';
import { openStore } from '../../src/store/duckdb.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { checkDisk, DEFAULT_BYTES_PER_VALUE, DISK_RESERVE, footprint, runFootprint, syntheticMonthIndex } from '../../src/pipeline/footprint.ts';
import { tempDir } from '../helpers/tmp.ts';

const FROM = Date.UTC(2024, 6, 22);
const BASELINE = Date.UTC(2024, 6, 1);

/** Bytes of the lake's Parquet files (du's apparent size, summed here). */
function lakeBytes(dir: string): number {
  return readdirSync(join(dir, 'lake'), { recursive: true, encoding: 'utf8' }).map((f) => statSync(join(dir, 'lake', f))).filter((s) => s.isFile()).reduce((n, s) => n + s.size, 0);
}

test('free space is what df reports for the file system (bytes available to users)', () => {
  const dir = tempDir('bqx-fp-');
  const df = Number(execFileSync('df', ['-B1', '--output=avail', dir], { encoding: 'utf8' }).trim().split('\n')[1]);
  const free = diskSpace(join(dir, 'not', 'yet', 'made')).free;
  assert.ok(Math.abs(free - df) < 64e6, `statfs ${free} vs df ${df}`); // other helpers write meanwhile
  assert.equal(fmtBytes(1536), '1.5 kB');
  assert.equal(fmtBytes(3.2e9), '3.2 GB');
  assert.equal(fmtBytes(512), '512 B');
});

test('the check refuses what does not fit, naming needed, free and how to reduce it', () => {
  const dir = tempDir('bqx-fp-');
  const free = diskSpace(dir).free;
  const big = checkDisk(footprint([{ what: 'lake base', bytes: free }, { what: 'export', bytes: 1e9 }], { bytesPerValue: 8, measuredOn: 0 }), dir, 'run', ['fewer months (--months)']);
  assert.equal(big.ok, false);
  assert.match(big.message, /^not enough disk space: run needs about .* \(lake base .*, export 1\.0 GB\) \+ 64 MB reserve; .* free on .*Reduce it: fewer months \(--months\)$/);
  assert.equal(big.needed, free + 1e9 + DISK_RESERVE);
  const small = checkDisk(footprint([{ what: 'lake base', bytes: 1e6 }], { bytesPerValue: 8, measuredOn: 0 }), dir, 'run', []);
  assert.equal(small.ok, true);
});

test("synthetic rows per month: the generator's bars, less at most its few missing minutes", () => {
  const pairs = ['EURUSD', 'USDJPY'];
  const est = syntheticMonthIndex({ pairs, from: Date.UTC(2024, 5, 3), months: 2 }).get('EURUSD')!;
  const real = [...generateMonths({ pairs, from: Date.UTC(2024, 5, 3), months: 2, seed: 7 })];
  assert.deepEqual(est.map((m) => m.month), ['2024-06', '2024-07']);
  for (const [k, m] of est.entries()) {
    const bars = real[k]!.bars.get('EURUSD')!.ts.length;
    assert.ok(bars <= m.bars && bars > m.bars - 300, `${m.month}: generated ${bars}, estimated ${m.bars}`);
  }
});

test('run estimate: an upper bound before any lake file, within 5 % once measured from the lake, 0 when up to date', async () => {
  const dir = tempDir('bqx-fp-');
  const store = await openStore(join(dir, 'bqx.duckdb'));
  try {
    for (const { bars } of generateMonths({ pairs: ['EURUSD', 'GBPUSD', 'EURGBP'], from: FROM, months: 1, seed: 3 })) {
      for (const [pair, b] of bars) await store.upsertBars(pair, b, 'test');
    }
    const sel = { stages: ['ti' as const], pairs: ['EURUSD', 'GBPUSD'] };
    const before = await runFootprint(store, sel, BASELINE);
    assert.equal(before.measuredOn, 0);
    assert.equal(before.bytesPerValue, DEFAULT_BYTES_PER_VALUE);
    const r = await runPipeline(store, { dataDir: dir, ...sel, maxWorkers: 1, retries: 0, force: false, baselineTs: BASELINE });
    assert.equal(r.status, 'done');
    const written = lakeBytes(dir);
    assert.ok(before.bytes >= written && before.bytes < 1.5 * written, `estimated ${before.bytes}, written ${written}`);
    const again = await runFootprint(store, { ...sel, force: true }, BASELINE);
    assert.equal(again.measuredOn, 2);
    assert.ok(Math.abs(again.bytes - written) < 0.05 * written, `measured estimate ${again.bytes}, written ${written}`);
    assert.equal((await runFootprint(store, sel, BASELINE)).bytes, 0);
  } finally {
    await store.close();
  }
});
