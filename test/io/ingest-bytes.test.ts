// Byte-level field parsing of the ingest readers, against Number() on the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDecimal, parseDigits, parseNonFinite } from '../../src/io/ingest/bytes.ts';

const enc = new TextEncoder();
const dec = (s: string) => {
  const b = enc.encode(`;${s};`); // parse a slice in the middle of a buffer
  return parseDecimal(b, 1, b.length - 1);
};

test('parseDecimal equals Number() on decimal text (random prices, volumes, long and exponent forms)', () => {
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const samples: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const digits = 1 + Math.floor(rnd() * 19); // up to 19 significant digits: exercises the Number() fallback
    const point = Math.floor(rnd() * (digits + 1));
    let s = '';
    for (let k = 0; k < digits; k++) s += (k === point && k > 0 ? '.' : '') + Math.floor(rnd() * 10);
    if (rnd() < 0.1) s = '-' + s;
    if (rnd() < 0.05) s += 'e' + (Math.floor(rnd() * 20) - 10);
    samples.push(s);
  }
  samples.push('0', '-0', '1.', '.5', '+1.25', '0.000001234', '1.051550', '116.858000', '101.58', '1e3', '123456789012345',
    '1234567890123456', '0.1234567890123456789', '9007199254740993');
  for (const s of samples) assert.equal(Object.is(dec(s), Number(s)), true, `${s}: ${dec(s)} vs ${Number(s)}`);
});

test('parseDecimal trims blanks and one pair of quotes, and rejects non-decimal text with NaN', () => {
  assert.equal(dec('  1.25\t'), 1.25);
  assert.equal(dec('"1.25"'), 1.25);
  for (const bad of ['', ' ', 'abc', '1.2.3', '1,5', '1e', '--1', '0x10', 'NaN', 'inf', '"1.25', '1 2']) {
    assert.equal(Number.isNaN(dec(bad)), true, JSON.stringify(bad));
  }
});

test('parseNonFinite tells spelled non-finite numbers (bad prices) from malformed text', () => {
  const nf = (s: string) => parseNonFinite(enc.encode(s), 0, s.length);
  assert.equal(Number.isNaN(nf('NaN')), true);
  assert.equal(Number.isNaN(nf(' nan ')), true);
  assert.equal(nf('inf'), Infinity);
  assert.equal(nf('-Infinity'), -Infinity);
  assert.equal(nf('+INF'), Infinity);
  assert.equal(nf('abc'), undefined);
  assert.equal(nf(''), undefined);
  assert.equal(nf('infinit'), undefined);
});

test('parseDigits reads unsigned digit runs and returns −1 otherwise', () => {
  const b = enc.encode('20170102 020000');
  assert.equal(parseDigits(b, 0, 4), 2017);
  assert.equal(parseDigits(b, 9, 15), 20000);
  assert.equal(parseDigits(b, 6, 10), -1);
  assert.equal(parseDigits(b, 3, 3), -1);
});
