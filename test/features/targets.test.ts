import { test } from 'node:test';
import assert from 'node:assert/strict';
import { targets } from '../../src/features/families/targets.ts';
import { checkRanges, frameOf, head, near, run, syntheticBars, syntheticFrame } from './base-b-frame.ts';
import { checkWarmup } from './base-a-frame.ts';

// FEATURES.md §10.
const HORIZONS = [15, 30, 45, 60, 75];
const KINDS = ['bqx', 'dz', 'dir'];

test('names, role target, lookahead H, family "targets" (15)', () => {
  const expected = KINDS.flatMap((k) => HORIZONS.map((h) => `target_${k}_h${h}`));
  assert.deepEqual(targets.features.map((f) => f.name).sort(), expected.sort());
  assert.equal(targets.name, 'targets');
  for (const f of targets.features) {
    assert.equal(f.role, 'target');
    assert.equal(f.family, 'targets');
    assert.equal(f.lookahead, Number(/_h(\d+)$/.exec(f.name)![1]), f.name);
  }
});

const frame = syntheticFrame(1000, 91);
const cols = run(targets, frame);

/** σ_t² from its definition: mean of the first 60 ΔB² (rows 16 … 75), then σ² ← (1 − α)σ² + α ΔB². */
function sigma2Reference(b: Float64Array): Float64Array {
  const s = new Float64Array(b.length).fill(NaN);
  const alpha = 2 / 61;
  let v = 0;
  for (let t = 16; t < b.length; t++) {
    const db2 = (b[t]! - b[t - 1]!) ** 2;
    if (t < 75) v += db2 / 60;
    else if (t === 75) s[t] = v += db2 / 60;
    else s[t] = v = (1 - alpha) * v + alpha * db2;
  }
  return s;
}

test('values equal the definitions (B_{t+H}, EWMA σ_t, sign); NaN beyond the data', () => {
  const x = frame.close;
  const b = frame.bqx;
  const s2 = sigma2Reference(b);
  for (const h of HORIZONS) {
    const col = (k: string) => cols.get(`target_${k}_h${h}`)!;
    for (let t = 0; t < frame.n; t++) {
      const where = `h${h} t${t}`;
      const u = t + h;
      if (u >= frame.n) {
        for (const k of KINDS) assert.ok(Number.isNaN(col(k)[t]!), `${where} ${k} NaN beyond the data`);
        continue;
      }
      let fwd = 0;
      let scale = 0;
      for (let k = 1; k <= h; k++) {
        fwd += (x[u - k]! - x[u]!) / x[u]!;
        scale += Math.abs(x[u - k]! - x[u]!) / x[u]!;
      }
      near(col('bqx')[t]!, fwd, 1e-9, `${where} bqx`, scale);
      const change = b[u]! - b[t]!;
      near(col('dz')[t]!, change / Math.sqrt(s2[t]!), 1e-9, `${where} dz`, 1e-3);
      assert.equal(col('dir')[t], Number.isNaN(change) ? NaN : Math.sign(change), `${where} dir`);
    }
  }
});

test('NaN exactly in the first nanPrefix rows and the last H rows; ranges; discrete dir', () => {
  for (const f of targets.features) {
    const col = cols.get(f.name)!;
    for (let t = 0; t < frame.n; t++) {
      const undefinedAt = t < f.nanPrefix || t >= frame.n - f.lookahead;
      assert.equal(Number.isNaN(col[t]!), undefinedAt, `${f.name}[${t}] = ${col[t]}`);
    }
    if (f.discrete) for (const v of col) if (!Number.isNaN(v)) assert.ok(f.discrete.includes(v), `${f.name} = ${v}`);
  }
  checkRanges(targets, cols);
});

test('lookahead is exactly H: rows > t + H never matter, row t + H does', () => {
  const t = 500;
  for (const h of HORIZONS) {
    const cut = run(targets, head(frame, t + h + 1));
    for (const k of KINDS) assert.equal(cut.get(`target_${k}_h${h}`)![t], cols.get(`target_${k}_h${h}`)![t], `${k} h${h}`);
    const bars = syntheticBars(1000, 91);
    bars.close[t + h] = bars.close[t + h]! * 1.001;
    const moved = run(targets, frameOf(bars));
    for (const k of ['bqx', 'dz']) assert.notEqual(moved.get(`target_${k}_h${h}`)![t], cols.get(`target_${k}_h${h}`)![t], `${k} h${h}`);
  }
});

test('declared lookback is the warm-up that reproduces a continuous run (1e-9), and the least', () => {
  checkWarmup(targets, frame, 950);
});
