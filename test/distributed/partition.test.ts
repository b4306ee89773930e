// The typed partition key and the lease (expiry) of queued tasks: hand-computed cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVERY_PAIR, formatPartition, parsePartition, partitionKey } from '../../src/core/partition.ts';
import { expirySeconds, slowestTasks } from '../../src/distributed/expiry.ts';
import type { ManifestRecord } from '../../src/store/types.ts';

test('partition key: one string form, parsed back; malformed parts are refused', () => {
  assert.equal(formatPartition(partitionKey('base', 'EURUSD', '2024-07')), 'base|EURUSD|2024-07');
  assert.equal(formatPartition(partitionKey('cross.month', EVERY_PAIR, '2024-12')), 'cross.month|*|2024-12');
  assert.deepEqual(parsePartition('cross.month|*|2024-12'), { unit: 'cross.month', pair: '*', month: '2024-12' });
  assert.deepEqual(parsePartition('ti|USDJPY|2025-01'), { unit: 'ti', pair: 'USDJPY', month: '2025-01' });
  for (const bad of ['base|EURUSD', 'base|EURUSD|2024-07|x', 'base|EURXXX|2024-07', 'base|eurusd|2024-07', 'base|EURUSD|2024-13', 'Base|EURUSD|2024-07', '|EURUSD|2024-07']) {
    assert.throws(() => parsePartition(bad), /partition key/, bad);
  }
});

const manifest = (stage: string, status: ManifestRecord['status'], startedAt: number, finishedAt: number): ManifestRecord => ({
  stage, pair: 'EURUSD', month: '2024-07', status, codeVersion: '', inputVersions: {}, dataVersion: '', rows: 0, bytes: 0, checksum: '',
  path: '', startedAt, finishedAt, attempts: 1, worker: '', error: '', extra: {},
});

test('lease: 3 × the slowest done task of the unit, at least the minimum; the fallback when none was measured', () => {
  const slowest = slowestTasks([
    manifest('base', 'done', 1_000, 21_000), // 20 s
    manifest('base', 'done', 5_000, 46_500), // 41.5 s: the slowest base task
    manifest('base', 'failed', 0, 900_000), // failed: not a measurement
    manifest('ti', 'done', 2_000, 7_000), // 5 s
    manifest('erm', 'running', 2_000, 0),
  ]);
  assert.deepEqual([...slowest].sort(), [['base', 41_500], ['ti', 5_000]]);
  const policy = { factor: 3, minSeconds: 60, unmeasuredSeconds: 900 };
  assert.equal(expirySeconds(slowest.get('base'), policy), 125); // ceil(3 × 41.5) = 125
  assert.equal(expirySeconds(slowest.get('ti'), policy), 60); // 15 s < the 60 s minimum
  assert.equal(expirySeconds(slowest.get('erm'), policy), 900);
  assert.equal(expirySeconds(2_100, { factor: 3, minSeconds: 5, unmeasuredSeconds: 20 }), 7); // ceil(6.3)
  assert.equal(expirySeconds(undefined, { factor: 3, minSeconds: 5, unmeasuredSeconds: 20 }), 20);
});
