// Completeness at the data's edge, by hand: a target's last `lookahead` rows of the pair's data are
// expected NaN (counted as info), NaN anywhere else still counts against the 99.5 % rule, and a
// feature (lookahead 0) has no edge at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocBars } from '../../src/core/types.ts';
import { feature } from '../../src/features/define.ts';
import { CompletenessChecks } from '../../src/validate/completeness.ts';
import { Tally } from '../../src/validate/tally.ts';

const H = 3;
const target = feature({ name: 'target_x_h3', family: 'targets', domain: 'bqx', stage: 'base', kernel: 'k', lookback: 0, lookahead: H, role: 'target', description: 'a test target' });
const plain = feature({ name: 'f', family: 'x', domain: 'idx', stage: 'base', kernel: 'k', lookback: 0, description: 'a test feature' });

/** Two months of 300 and 200 rows (500 rows of data); `nanAt` = data-set rows stored as NaN. */
function scan(def: typeof target, nanAt: number[]) {
  const tally = new Tally();
  const c = new CompletenessChecks(tally);
  for (const [offset, n] of [[0, 300], [300, 200]] as const) {
    const col = new Float64Array(n).fill(1);
    for (const r of nanAt) if (r >= offset && r < offset + n) col[r - offset] = NaN;
    c.column(def, 'EURUSD', col, allocBars(n), offset, 500);
  }
  const fractions = c.finish([def], () => 'u', () => null);
  return { tally, fraction: fractions.get(def.name) };
}

const last = (k: number) => Array.from({ length: k }, (_, i) => 500 - k + i);

test('a target NaN in exactly its last lookahead rows passes, the edge counted as expected', () => {
  const { tally, fraction } = scan(target, last(H));
  assert.equal(tally.resultsOf(target.name).non_null, 'info');
  assert.equal(fraction, 1, '497 eligible rows, all non-null');
  const f = tally.findings.find((x) => x.check === 'non_null')!;
  assert.equal(f.outcome, 'info');
  assert.match(f.message, /3 NaN rows at the end of the data, expected \(lookahead 3 rows\)/);
});

test('NaN elsewhere still fails: one row more than the edge, or NaN before the last month', () => {
  // 4 NaN at the end: the edge takes 3, the 4th is a missing value (1 of 497). Then 3 more before the end.
  const { fraction } = scan(target, last(H + 1));
  assert.equal(fraction, 496 / 497);
  const mid = scan(target, [...last(H), 10, 11, 12]);
  assert.equal(mid.fraction, 494 / 497);
  assert.equal(mid.tally.resultsOf(target.name).non_null, 'fail');
  assert.match(mid.tally.findings.find((x) => x.outcome === 'fail')!.message, /3 of 497 rows NaN/);
});

test('a feature (lookahead 0) has no edge: its last rows NaN are missing values', () => {
  const { tally, fraction } = scan(plain, last(H));
  assert.equal(fraction, 497 / 500);
  assert.equal(tally.resultsOf(plain.name).non_null, 'fail', '99.4 % < 99.5 %');
  assert.equal(tally.findings.some((x) => x.outcome === 'info'), false);
});
