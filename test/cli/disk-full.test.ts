// A data directory on a small size-capped file system (a 40 MB tmpfs): bqx run refuses up front what
// cannot fit; a run that fills the disk anyway (the library, without the check) fails cleanly — no
// partition marked done without its file, no temp file left — and completes once there is space.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMonths } from '../../src/io/synthetic.ts';
import { openStore } from '../../src/store/duckdb.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { partitionPath } from '../../src/pipeline/lake.ts';
import { bqx } from '../helpers/cli.ts';

const PAIRS = ['EURUSD', 'GBPUSD', 'EURGBP', 'USDJPY'];
const BASELINE = Date.UTC(2024, 6, 1);

const mnt = mkdtempSync(join(tmpdir(), 'bqx-tmpfs-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', mnt], { encoding: 'utf8' });
after(() => {
  if (mounted.status === 0) spawnSync('umount', [mnt]);
  rmSync(mnt, { recursive: true, force: true });
});
const skip = mounted.status === 0 ? false : `cannot mount a size-capped tmpfs here (${(mounted.stderr || mounted.error?.message || '').trim()}): disk-full behaviour untested`;

function lakeFiles(dir: string): string[] {
  const root = join(dir, 'lake');
  return existsSync(root) ? readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(root, f)).isFile()) : [];
}

test('disk full: refused up front by the CLI; mid-run the store and lake stay consistent; a later run completes', { skip }, async () => {
  let store = await openStore(join(mnt, 'bqx.duckdb'));
  for (const { bars } of generateMonths({ pairs: PAIRS, from: Date.UTC(2024, 6, 22), months: 1, seed: 9 })) {
    for (const [pair, b] of bars) await store.upsertBars(pair, b, 'test');
  }
  await store.close();

  const refused = bqx(['run', '--data-dir', mnt, '--stages', 'base', '--quiet']);
  assert.equal(refused.status, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /^bqx run: not enough disk space: run needs about [\d.]+ MB .* free on .*Reduce it: fewer months or pairs/);
  assert.deepEqual(lakeFiles(mnt), [], 'the refused run wrote partitions');

  // The library has no check: it fills the disk.
  store = await openStore(join(mnt, 'bqx.duckdb'));
  let outcome: string;
  try {
    const r = await runPipeline(store, { dataDir: mnt, stages: ['base'], maxWorkers: 1, retries: 1, force: false, baselineTs: BASELINE });
    outcome = r.status;
  } catch (e) {
    outcome = `threw: ${(e as Error).message}`;
  } finally {
    await store.close().catch(() => {});
  }
  assert.notEqual(outcome, 'done', 'the run fitted: the file system is not small enough for this test');

  spawnSync('mount', ['-o', 'remount,size=400m', mnt]);
  store = await openStore(join(mnt, 'bqx.duckdb'));
  try {
    const done = (await store.getManifests('base')).filter((m) => m.status === 'done');
    assert.ok(done.length < PAIRS.length, `${outcome}: every partition done on a full disk`);
    for (const m of done) {
      const path = partitionPath(mnt, 'base', m.pair, m.month);
      assert.ok(existsSync(path), `${m.pair} ${m.month} marked done without its file`);
      assert.equal(statSync(path).size, m.bytes, `${m.pair} ${m.month}: file size differs from its manifest`);
    }
    assert.deepEqual(lakeFiles(mnt).filter((f) => /\.tmp-/.test(f)), [], `${outcome}: temp files left in the lake`);

    const again = await runPipeline(store, { dataDir: mnt, stages: ['base'], maxWorkers: 1, retries: 0, force: false, baselineTs: BASELINE });
    assert.equal(again.status, 'done');
    const after = (await store.getManifests('base')).filter((m) => m.status === 'done');
    assert.deepEqual(after.map((m) => m.pair).sort(), [...PAIRS].sort());
    for (const m of after) assert.equal(statSync(partitionPath(mnt, 'base', m.pair, m.month)).size, m.bytes);
    assert.deepEqual(lakeFiles(mnt).filter((f) => /\.tmp-/.test(f)), []);
  } finally {
    await store.close();
  }
});
