// DuckDB allows one process per database file: a command started while another process holds the
// store briefly (a dashboard snapshot, `bqx status` in another terminal) waits for it instead of failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openStore } from '../../src/store/duckdb.ts';
import { bqxSpawn } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

function exitOf(child: ReturnType<typeof bqxSpawn>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

test('a command waits for a store another process holds for a moment', async () => {
  const dir = tempDir('bqx-lock-');
  const held = await openStore(join(dir, 'bqx.duckdb'));
  const child = bqxSpawn(['status', '--data-dir', dir, '--json']);
  const done = exitOf(child);
  // Hold the lock until the child has had time to start and meet it, then release it.
  await new Promise((r) => setTimeout(r, 4_000));
  await held.close();
  const { code, stderr } = await done;
  assert.equal(code, 0, stderr);
});

test('a store held for longer than the wait is a clear error', async () => {
  const dir = tempDir('bqx-lock-');
  const held = await openStore(join(dir, 'bqx.duckdb'));
  try {
    const { code, stderr } = await exitOf(bqxSpawn(['status', '--data-dir', dir, '--json']));
    assert.equal(code, 1);
    assert.match(stderr, /lock/i);
  } finally {
    await held.close();
  }
});
