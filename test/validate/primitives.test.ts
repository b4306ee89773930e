// The battery's building blocks against hand-computed expectations: comparison, perturbation, cut
// points, partition order, volume dependence, and the bqx validate command's flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { allocBars } from '../../src/core/types.ts';
import { feature } from '../../src/features/define.ts';
import { Rng, seedKey } from '../../src/io/synthetic/prng.ts';
import { parseCommand, UsageError } from '../../src/cli/args.ts';
import { validateCmd } from '../../src/cli/commands/validate.ts';
import { firstMismatch, rowAtOrAfter, typicalMagnitude } from '../../src/validate/compare.ts';
import { volumeFeatures } from '../../src/validate/completeness.ts';
import { cutPoints } from '../../src/validate/cuts.ts';
import { perturbFrom } from '../../src/validate/perturb.ts';
import { batteryOrder, type Partition } from '../../src/validate/scope.ts';
import { unitsOf } from './helpers.ts';

const f64 = (...x: number[]) => Float64Array.from(x);

test('firstMismatch: identity demands the same bits (NaN = NaN); 1e-9 is relative to the value or the column', () => {
  assert.equal(firstMismatch(f64(1, NaN, 3), f64(1, NaN, 3), 0, 3, 0), -1);
  assert.equal(firstMismatch(f64(1, NaN, 3), f64(1, 2, 3), 0, 3, 0), 1);
  assert.equal(firstMismatch(f64(1, 2, 3), f64(1, 2, 3 + 4e-16), 0, 3, 0), 2);
  assert.equal(firstMismatch(f64(0, 1), f64(-0, 1), 0, 2, 0), 0);
  assert.equal(firstMismatch(f64(9, 1), f64(7, 1), 1, 2, 0), -1, 'rows before `from` are not compared');
  // 100 ± 5e-8 is within 1e-9 relative, ± 2e-7 is not.
  assert.equal(firstMismatch(f64(100), f64(100 + 5e-8), 0, 1, 1e-9), -1);
  assert.equal(firstMismatch(f64(100), f64(100 + 2e-7), 0, 1, 1e-9), 0);
  // A value of 1e-3 in a column of magnitude 100 (median |a|): 5e-8 off passes, 2e-7 off fails.
  const col = f64(100, -100, 100, 1e-3);
  assert.equal(typicalMagnitude(col, 0, 4), 100);
  assert.equal(firstMismatch(col, f64(100, -100, 100, 1e-3 + 5e-8), 0, 4, 1e-9), -1);
  assert.equal(firstMismatch(col, f64(100, -100, 100, 1e-3 + 2e-7), 0, 4, 1e-9), 3);
  assert.deepEqual([rowAtOrAfter(f64(10, 20, 30), 20), rowAtOrAfter(f64(10, 20, 30), 21), rowAtOrAfter(f64(10, 20, 30), 99)], [1, 2, 3]);
});

test('perturbFrom: rows before the cut untouched, after it a different, consistent and deterministic walk', () => {
  const n = 500;
  const b = allocBars(n);
  for (let i = 0; i < n; i++) {
    b.ts[i] = 60_000 * i; b.close[i] = 1.08 + 1e-4 * Math.sin(i); b.open[i] = i > 0 ? b.close[i - 1]! : 1.08;
    b.high[i] = Math.max(b.open[i]!, b.close[i]!) + 1e-5; b.low[i] = Math.min(b.open[i]!, b.close[i]!) - 1e-5; b.volume[i] = 0;
  }
  const p = perturbFrom(b, 300, new Rng(seedKey(1), 1));
  for (const c of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) assert.deepEqual(p[c].subarray(0, 300), b[c].subarray(0, 300), c);
  assert.deepEqual(p.ts, b.ts);
  assert.equal(p.open[300], b.close[299]);
  for (let i = 300; i < n; i++) {
    assert.notEqual(p.close[i], b.close[i]);
    assert.ok(p.low[i]! <= Math.min(p.open[i]!, p.close[i]!) && p.high[i]! >= Math.max(p.open[i]!, p.close[i]!) && p.volume[i]! >= 1);
    assert.ok(Math.abs(Math.log(p.close[i]! / p.open[i]!)) < 1e-2, 'moves of the data’s size');
  }
  assert.deepEqual(perturbFrom(b, 300, new Rng(seedKey(1), 1)).close, p.close);
  assert.notDeepEqual(perturbFrom(b, 300, new Rng(seedKey(2), 1)).close, p.close);
});

test('cut points: k distinct rows of [start, end) in time order, the same for the same seed', () => {
  const ts = Float64Array.from({ length: 100 }, (_, i) => 1_000 * i);
  const a = cutPoints(ts, 10, 60, 5, new Rng(seedKey(7), 3));
  assert.equal(new Set(a).size, 5);
  assert.ok(a.every((t, i) => t >= 10_000 && t < 60_000 && (i === 0 || t > a[i - 1]!)));
  assert.deepEqual(cutPoints(ts, 10, 60, 5, new Rng(seedKey(7), 3)), a);
  assert.equal(cutPoints(ts, 10, 13, 5, new Rng(seedKey(7), 3)).length, 3, 'no more cuts than rows');
});

test('battery order: per unit, partitions whose previous month is stored first, deterministic for the seed', () => {
  const [unit] = unitsOf([{ name: 'f', stage: 'base', version: 1, partition: 'pair', compute: () => {},
    features: [feature({ name: 'x', family: 'f', domain: 'idx', stage: 'base', kernel: 'k', lookback: 0, description: 'x' })] }]);
  const parts: Partition[] = ['2024-01', '2024-02', '2024-03'].flatMap((month) => ['A', 'B'].map((pair) => ({ unit: unit!, pair, month, pairs: [pair] })));
  const stored = (p: Partition, month: string) => p.pair === 'B' && month >= '2024-01';
  const order = batteryOrder(parts, 5, stored).get(unit!.name)!.map((p) => `${p.pair} ${p.month}`);
  assert.deepEqual(order.slice(0, 2).sort(), ['B 2024-02', 'B 2024-03']);
  assert.deepEqual(batteryOrder(parts, 5, stored).get(unit!.name)!.map((p) => `${p.pair} ${p.month}`), order);
});

test('volume features: read volume directly or through the features they read', () => {
  const d = (name: string, inputs: string[]) => feature({ name, family: 'f', domain: 'idx', stage: 'base', kernel: 'k', lookback: 0, description: name, inputs });
  assert.deepEqual([...volumeFeatures([d('v', ['volume']), d('agg', ['v', 'w']), d('w', ['close']), d('top', ['agg'])])].sort(), ['agg', 'top', 'v']);
});

test('bqx validate: bad flags are usage errors; an empty data set fails (nothing was checked) with exit code 1', async () => {
  await assert.rejects(validateCmd.run(parseCommand(validateCmd, ['--budget', 'lots'])), (e) => e instanceof UsageError && /--budget/.test(e.message));
  await assert.rejects(validateCmd.run(parseCommand(validateCmd, ['--k', '0'])), (e) => e instanceof UsageError && /--k/.test(e.message));
  await assert.rejects(validateCmd.run(parseCommand(validateCmd, ['--stages', 'nope'])), (e) => e instanceof UsageError && /--stages/.test(e.message));
  // The command in a child process (bin/bqx.mjs routes commands the lead wires in main.ts).
  const dir = mkdtempSync(join(tmpdir(), 'bqx-validate-cli-'));
  const script = `import { validateCmd } from ${JSON.stringify(fileURLToPath(new URL('../../src/cli/commands/validate.ts', import.meta.url)))};
    import { parseCommand } from ${JSON.stringify(fileURLToPath(new URL('../../src/cli/args.ts', import.meta.url)))};
    process.exitCode = await validateCmd.run(parseCommand(validateCmd, process.argv.slice(1)));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', '--data-dir', dir, '--json', '--stages', 'base'], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.passed, false);
  assert.match(json.failures[0].message, /not checked \(no partition of base with bars in the scope\)/);
  rmSync(dir, { recursive: true, force: true });
});
