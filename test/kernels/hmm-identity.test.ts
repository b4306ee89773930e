// The HMM fits made faster (kernels/hmm.ts) must reproduce the code they replaced bit for bit (the lake
// files and data versions depend on every bit): baumWelch and regimeHmm against the frozen copy in
// hmm-reference.ts on real 2017 HistData — January to March from the year's first open, weekend gaps,
// three pairs (NZDCHF: many exact-zero returns), Δidx (quantised: the emissions per level) and ΔB
// (continuous: per row), with and without the warm-up segments skipped. Every regime HMM column is a
// function of the probabilities and fits compared here (stateColumns is unchanged).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { sliceBars } from '../../src/core/types.ts';
import { buildPairFrame } from '../../src/features/frame.ts';
import { segmentStarts } from '../../src/features/families/regime.ts';
import { readHistData } from '../../src/io/ingest/histdata.ts';
import { baumWelch, quantileInit, type HmmFit } from '../../src/kernels/hmm.ts';
import { diff } from '../../src/kernels/lag.ts';
import { REGIME_HMM, regimeHmm } from '../../src/kernels/regime-hmm.ts';
import { registry } from '../../src/features/registry.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { rowAt } from '../helpers/market.ts';
import { referenceBaumWelch, referenceRegimeHmm } from './hmm-reference.ts';

const DIR = new URL('../../../shared/data/real-fx/parrondo__deeptrading/', import.meta.url);
const skip = existsSync(DIR) ? false : 'needs ../shared/data/real-fx (absent)';
const OPTS = { maxIter: REGIME_HMM.maxIter, tol: REGIME_HMM.tol, varianceFloor: REGIME_HMM.varianceFloor };

function observations(pair: string): { ts: Float64Array; series: [string, Float64Array][] } {
  const name = `HISTDATA_COM_ASCII_${pair}_M1_2017.zip`;
  const all = readHistData(readFileSync(new URL(name, DIR)), name).bars;
  const bars = sliceBars(all, 0, rowAt(all.ts, Date.UTC(2017, 3, 1)));
  const frame = buildPairFrame(pair, bars, bars.close[0]!);
  const series = (['close', 'bqx'] as const).map((k): [string, Float64Array] => {
    const o = new Float64Array(frame.n);
    diff(frame[k], 1, o);
    return [k, o];
  });
  return { ts: bars.ts, series };
}

const same = (a: Float64Array, b: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

test('regimeHmm reproduces the pre-restructuring fits and filters bit for bit (real 2017, 3 pairs, Δidx and ΔB)', { skip }, () => {
  let ok = 0;
  for (const pair of ['EURUSD', 'NZDCHF', 'USDJPY']) {
    const { ts, series } = observations(pair);
    const starts = segmentStarts(ts);
    for (const [name, o] of series) {
      for (const needFrom of [0, rowAt(ts, Date.UTC(2017, 1, 1)) - 1_440]) {
        const label = `${pair} Δ${name} needFrom ${needFrom}`;
        const got = [0, 1, 2].map(() => new Float64Array(o.length));
        const want = [0, 1, 2].map(() => new Float64Array(o.length));
        const fits = regimeHmm(o, starts, got, needFrom);
        const ref = referenceRegimeHmm(o, starts, want, needFrom);
        assert.deepEqual(fits, ref, `${label}: segment fits`);
        for (let k = 0; k < 3; k++) assert.ok(same(got[k]!, want[k]!), `${label}: probabilities of state ${k}`);
        ok += fits.filter((f) => f.status === 'ok').length;
      }
    }
  }
  // Not vacuous: 13 segments per series, the first ones without enough history, the others fitted.
  assert.ok(ok >= 3 * 2 * (8 + 5), `${ok} fits compared`);
});

test('baumWelch equals the frozen fit on windows of Δidx and ΔB, stopping at different rounds (real EURUSD 2017)', { skip }, () => {
  const { series } = observations('EURUSD');
  const [[, dIdx], [, dB]] = series;
  const windows = [dIdx.subarray(20_000, 30_080), dB.subarray(20_000, 30_080), dB.subarray(40_000, 50_080), dIdx.subarray(50_000, 57_000)].map((w) => {
    let s = 0;
    for (const v of w) s += v;
    const m = s / w.length;
    let ss = 0;
    for (const v of w) ss += (v - m) ** 2;
    return w.map((v) => (v - m) / Math.sqrt(ss / (w.length - 1)));
  });
  for (const tol of [REGIME_HMM.tol, 1e-2]) {
    const opts = { ...OPTS, tol };
    const iterations = windows.map((x) => {
      const init = quantileInit(x, REGIME_HMM.varianceQuantiles, REGIME_HMM.stay);
      const ref = referenceBaumWelch(x, init, opts);
      assert.deepEqual(baumWelch(x, init, opts), ref, `tol ${tol}: window of ${x.length} rows`);
      return ref.iterations;
    });
    assert.ok(new Set(iterations).size > 1, `the fits stop at different rounds: ${iterations}`);
  }
});

test('regimeHmm with a memo: a month\'s partition takes the previous month\'s fits of the weeks both hold, bit for bit (real EURUSD, USDJPY 2017)', { skip }, () => {
  const WARM_UP = buildUnits(registry()).find((u) => u.name === 'regime')!.warmup;
  for (const pair of ['EURUSD', 'USDJPY']) {
    const name = `HISTDATA_COM_ASCII_${pair}_M1_2017.zip`;
    const all = readHistData(readFileSync(new URL(name, DIR)), name).bars;
    const memo = new Map<string, HmmFit>();
    let hits = 0;
    const recording = { get: (k: string) => { const f = memo.get(k); if (f) hits++; return f; }, set: (k: string, f: HmmFit) => void memo.set(k, f) };
    // January (the year's first open: no earlier fits), February and March as the pipeline's partitions see them.
    for (const month of [0, 1, 2]) {
      const first = rowAt(all.ts, Date.UTC(2017, month, 1)), end = rowAt(all.ts, Date.UTC(2017, month + 1, 1));
      const from = Math.max(0, first - WARM_UP);
      const bars = sliceBars(all, from, end);
      const frame = buildPairFrame(pair, bars, all.close[0]!);
      const starts = segmentStarts(bars.ts);
      for (const k of ['close', 'bqx'] as const) {
        const label = `${pair} 2017-0${month + 1} Δ${k}`;
        const o = new Float64Array(frame.n);
        diff(frame[k], 1, o);
        const needFrom = Math.max(0, first - from - 1_440);
        const got = [0, 1, 2].map(() => new Float64Array(o.length));
        const want = [0, 1, 2].map(() => new Float64Array(o.length));
        const before = hits;
        const fits = regimeHmm(o, starts, got, needFrom, recording);
        assert.deepEqual(fits, regimeHmm(o, starts, want, needFrom), `${label}: segment fits`);
        for (let s = 0; s < 3; s++) assert.ok(same(got[s]!, want[s]!), `${label}: probabilities of state ${s}`);
        // The week that straddles the month's start was fitted by the previous month's partition.
        assert.equal(hits - before, month === 0 ? 0 : 1, `${label}: fits taken from the memo`);
      }
    }
    // Not vacuous: a memo's fit is what the partition uses (a planted one changes the probabilities).
    const bars = sliceBars(all, rowAt(all.ts, Date.UTC(2017, 2, 1)) - WARM_UP, rowAt(all.ts, Date.UTC(2017, 3, 1)));
    const o = new Float64Array(bars.ts.length);
    diff(buildPairFrame(pair, bars, all.close[0]!).close, 1, o);
    const planted = { get: (k: string) => { const f = memo.get(k); return f && { ...f, params: { ...f.params, mean: f.params.mean.map((m) => m + 0.5) } }; }, set: () => {} };
    const honest = [0, 1, 2].map(() => new Float64Array(o.length)), poisoned = [0, 1, 2].map(() => new Float64Array(o.length));
    regimeHmm(o, segmentStarts(bars.ts), honest, WARM_UP - 1_440);
    regimeHmm(o, segmentStarts(bars.ts), poisoned, WARM_UP - 1_440, planted);
    assert.ok(!same(honest[0]!, poisoned[0]!), `${pair}: a planted fit is used`);
  }
});
