// Completeness excuses a fan-in feature's NaN where a pair it reads is stale (FEATURES.md §0: as-of value
// missing when the pair's last bar is more than 5 minutes old), by hand on synthetic minute bars: all 28
// pairs trade every minute except EURGBP, silent for 20 minutes. EURUSD's base_currency_index reads the 7
// EUR pairs, so its rows 5 minutes into the silence up to the bar that ends it are expected NaN; a NaN
// anywhere else is missing data and fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAIR_NAMES } from '../../src/core/currencies.ts';
import { allocBars } from '../../src/core/types.ts';
import { feature } from '../../src/features/define.ts';
import type { FeatureDef } from '../../src/features/types.ts';
import { CompletenessChecks } from '../../src/validate/completeness.ts';
import { pairsRead } from '../../src/validate/reads.ts';
import { StaleGrid, type PairRows } from '../../src/validate/staleness.ts';
import { Tally } from '../../src/validate/tally.ts';

const MIN = 60_000;
const N = 200;            // rows of the month, one per minute
const PREFIX = 30;        // warm-up rows before the month
const SILENT = [100, 120]; // EURGBP has no bar at month minutes 100..119
const def = (name: string, lookback: number) => feature({ name, family: 'ci', domain: 'cross', stage: 'cross', kernel: 'k', lookback, description: 'a test feature' });

function grid(silent: readonly [number, number], who = 'EURGBP'): StaleGrid {
  const frames = new Map<string, PairRows>();
  for (const p of PAIR_NAMES) {
    const minutes = Array.from({ length: PREFIX + N }, (_, k) => k - PREFIX).filter((m) => p !== who || m < silent[0] || m >= silent[1]);
    frames.set(p, { ts: Float64Array.from(minutes, (m) => m * MIN), first: minutes.filter((m) => m < 0).length });
  }
  return new StaleGrid(frames);
}

function scan(d: FeatureDef, nanAt: readonly number[], g = grid(SILENT as [number, number])) {
  const tally = new Tally();
  const c = new CompletenessChecks(tally);
  const col = new Float64Array(N).fill(1);
  for (const r of nanAt) col[r] = NaN;
  c.column(d, 'EURUSD', col, allocBars(N), 0, N, g.forPair('EURUSD')(pairsRead(d.name, 'EURUSD'), d.lookback));
  const fraction = c.finish([d], () => 'cross.month', () => null).get(d.name);
  return { fraction, result: tally.resultsOf(d.name).non_null, findings: tally.findings };
}

const span = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);

test('NaN while a pair read is stale (> 5 min since its last bar) is expected: info, not in the eligible rows', () => {
  // Last EURGBP bar at minute 99: stale at minutes 105..119 (t − 99 > 5), fresh again at 120.
  const { fraction, result, findings } = scan(def('base_currency_index', 0), span(105, 120));
  assert.equal(fraction, 1);
  assert.equal(result, 'info');
  assert.match(findings[0]!.message, /15 NaN rows where a pair it reads is stale \(its last bar > 5 min before a grid row\)/);
});

test('a planted NaN where every pair read was fresh fails', () => {
  for (const at of [104, 120, 50]) {
    const { fraction, result } = scan(def('base_currency_index', 0), [...span(105, 120), at]);
    assert.equal(fraction, 184 / 185, `row ${at}: 185 eligible rows, one NaN`);
    assert.equal(result, 'fail', `row ${at}`);
  }
});

test('a windowed feature is excused while its lookback rows span a stale row, and not after', () => {
  const d = def('ccy_eur_x', 10); // reads the 7 EUR pairs; stale rows 105..119 → excused 105..129
  assert.equal(scan(d, span(105, 130)).fraction, 1);
  assert.equal(scan(d, [...span(105, 130), 130]).result, 'fail');
  assert.equal(scan(d, [104]).result, 'fail', 'rows before the stale span are not excused');
});

test('a stale pair the feature does not read excuses nothing', () => {
  const g = grid(SILENT as [number, number], 'GBPJPY'); // no EUR in GBPJPY
  assert.equal(scan(def('base_currency_index', 0), span(105, 120), g).result, 'fail');
});

test('the lookback reaches into the warm-up rows before the month', () => {
  // EURGBP silent at minutes −20..−1 (last bar −21): stale −15..−1; a 10-row lookback excuses rows 0..9.
  const g = grid([-20, 0]);
  const d = def('ccy_eur_x', 10);
  assert.equal(scan(d, span(0, 10), g).fraction, 1);
  assert.equal(scan(d, [...span(0, 10), 10], g).result, 'fail');
});
