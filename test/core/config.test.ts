import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS, loadConfig } from '../../src/core/config.ts';
import { tempDir } from '../helpers/tmp.ts';

test('layers: defaults < config file < environment < flags', () => {
  const dir = tempDir('bqx-cfg-');
  assert.deepEqual(loadConfig({}, { cwd: dir, env: {} }), DEFAULTS);
  writeFileSync(join(dir, 'bqx.config.yaml'), 'dataDir: from-file\nseed: 7\nretries: 5\n');
  const env = { BQX_SEED: '9', BQX_MAX_WORKERS: '3' };
  const c = loadConfig({ retries: 1 }, { cwd: dir, env });
  assert.equal(c.dataDir, 'from-file');
  assert.equal(c.seed, 9);
  assert.equal(c.maxWorkers, 3);
  assert.equal(c.retries, 1);
});

test('bad settings fail with one line naming the setting', () => {
  const dir = tempDir('bqx-cfg-');
  writeFileSync(join(dir, 'bqx.config.json'), '{"sede": 1}');
  assert.throws(() => loadConfig({}, { cwd: dir, env: {} }), /unknown setting "sede"/);
  const dir2 = tempDir('bqx-cfg-');
  assert.throws(() => loadConfig({}, { cwd: dir2, env: { BQX_SEED: 'abc' } }), /BQX_SEED: seed must be a non-negative integer/);
});
