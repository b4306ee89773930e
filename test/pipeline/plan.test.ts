// The planner: warm-up months, data versions, resume and staleness (pure: no store, no workers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plan, monthsRead, type MonthIndex } from '../../src/pipeline/plan.ts';
import type { Unit } from '../../src/pipeline/units.ts';
import type { ManifestRecord } from '../../src/store/types.ts';

function unit(name: string, warmup: number, lookahead = 0, upstream: [string, string[]][] = [], kind: 'pair' | 'month' = 'pair', codeVersion = 'v1'): Unit {
  return { name, stage: 'base', kind, families: [], columns: [], warmup, lookahead, codeVersion, upstream: new Map(upstream) };
}

const index: MonthIndex = new Map([
  ['EURUSD', [{ month: '2024-06', bars: 30_000, version: 'e6' }, { month: '2024-07', bars: 31_000, version: 'e7' }, { month: '2024-08', bars: 31_000, version: 'e8' }]],
  ['USDJPY', [{ month: '2024-07', bars: 31_000, version: 'j7' }, { month: '2024-08', bars: 31_000, version: 'j8' }]],
]);
const baselines = new Map([['EURUSD', 1.08], ['USDJPY', 150]]);

test('months read: back as far as the warm-up needs, plus the next month for lookahead', () => {
  const m = index.get('EURUSD')!;
  assert.deepEqual(monthsRead(m, '2024-08', 0, 0).map((x) => x.month), ['2024-08']);
  assert.deepEqual(monthsRead(m, '2024-08', 31_000, 0).map((x) => x.month), ['2024-07', '2024-08']);
  assert.deepEqual(monthsRead(m, '2024-08', 31_001, 0).map((x) => x.month), ['2024-06', '2024-07', '2024-08']);
  assert.deepEqual(monthsRead(m, '2024-07', 10, 75).map((x) => x.month), ['2024-06', '2024-07', '2024-08']);
  assert.deepEqual(monthsRead(m, '2024-08', 10, 75).map((x) => x.month), ['2024-07', '2024-08']);
});

function done(tasks: ReturnType<typeof plan>): ManifestRecord[] {
  return tasks.map((t) => ({ stage: t.unit.name, pair: t.pair, month: t.month, status: 'done', codeVersion: t.unit.codeVersion,
    inputVersions: t.inputVersions, dataVersion: t.dataVersion, rows: 1, bytes: 1, checksum: '', path: '', startedAt: 0,
    finishedAt: 0, attempts: 1, worker: '', error: '', extra: {} }));
}

test('a second plan after everything is done has nothing to do; --force redoes all', () => {
  const units = [unit('base', 100, 75), unit('erm', 700, 0, [['base', ['reg_idx_w60_r2']]]), unit('ci', 300, 0, [], 'month')];
  const opts = { pairs: ['EURUSD', 'USDJPY'], months: null, baselines, force: false };
  const first = plan(units, index, [], opts);
  assert.equal(first.length, 5 + 5 + 3);
  assert.ok(first.every((t) => !t.upToDate));
  const second = plan(units, index, done(first), opts);
  assert.ok(second.every((t) => t.upToDate));
  assert.deepEqual(second.map((t) => t.dataVersion), first.map((t) => t.dataVersion));
  assert.ok(plan(units, index, done(first), { ...opts, force: true }).every((t) => !t.upToDate));
});

test('bumping one unit code version makes exactly its partitions and its readers stale', () => {
  const units = [unit('base', 100, 75), unit('ti', 2000), unit('erm', 700, 0, [['base', ['reg_idx_w60_r2']]])];
  const opts = { pairs: ['EURUSD', 'USDJPY'], months: null, baselines, force: false };
  const first = plan(units, index, [], opts);
  const bumped = [unit('base', 100, 75, [], 'pair', 'v2'), units[1]!, units[2]!];
  const again = plan(bumped, index, done(first), opts);
  const stale = new Set(again.filter((t) => !t.upToDate).map((t) => t.unit.name));
  assert.deepEqual([...stale].sort(), ['base', 'erm']);
  const onlyTi = plan([units[0]!, unit('ti', 2000, 0, [], 'pair', 'v2'), units[2]!], index, done(first), opts);
  assert.deepEqual([...new Set(onlyTi.filter((t) => !t.upToDate).map((t) => t.unit.name))], ['ti']);
});

test('new bars in one month make stale exactly the partitions that read that month', () => {
  const units = [unit('base', 100, 75), unit('ti', 40_000)];
  const opts = { pairs: ['EURUSD'], months: null, baselines, force: false };
  const first = plan(units, index, [], opts);
  const changed: MonthIndex = new Map([...index, ['EURUSD', index.get('EURUSD')!.map((m) => (m.month === '2024-07' ? { ...m, version: 'e7b' } : m))]]);
  const stale = plan(units, changed, done(first), opts).filter((t) => !t.upToDate).map((t) => `${t.unit.name} ${t.month}`);
  // base reads 100 warm-up rows of the previous month and 75 lookahead rows of the next one, so June,
  // July and August all read July; ti (40k warm-up) reads July from July and August. ti June does not.
  assert.deepEqual(stale.sort(), ['base 2024-06', 'base 2024-07', 'base 2024-08', 'ti 2024-07', 'ti 2024-08']);
});

test('a downstream warm-up widens the upstream months; month selection restricts the rest', () => {
  const units = [unit('base', 100, 75), unit('erm', 40_000, 0, [['base', ['x']]])];
  const tasks = plan(units, index, [], { pairs: ['EURUSD'], months: ['2024-08'], baselines, force: false });
  assert.deepEqual(tasks.map((t) => `${t.unit.name} ${t.month}`), ['base 2024-06', 'base 2024-07', 'base 2024-08', 'erm 2024-08']);
});
