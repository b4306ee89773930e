// Wall clock → UTC (ZoneClock, Intl) and time-field parsing, against hand-coded daylight-saving rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZoneClock } from '../../src/io/ingest/timezone.ts';
import { TimeField } from '../../src/io/ingest/timefield.ts';

const H = 3_600_000;
const M = 60_000;
const wall = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

/**
 * Oracle from the published rules for 2017, independent of Intl: the UTC instant of wall time w in a
 * zone with offsets (local − UTC) std and dst, or 'nonexistent' / 'ambiguous'. gap: the wall times
 * skipped when DST starts; fold: those repeated when it ends (the fold comes first in the southern
 * hemisphere).
 */
function ruleOracle(std: number, dst: number, gap: [number, number], fold: [number, number]) {
  return (w: number): number | 'nonexistent' | 'ambiguous' => {
    if (w >= gap[0] && w < gap[1]) return 'nonexistent';
    if (w >= fold[0] && w < fold[1]) return 'ambiguous';
    const inDst = gap[1] <= fold[0] ? w >= gap[1] && w < fold[0] : w >= gap[1] || w < fold[0];
    return w - (inDst ? dst : std);
  };
}

function checkYear(zone: string, oracle: (w: number) => number | string, stepMinutes: number) {
  const clock = new ZoneClock(zone);
  const counts = { ok: 0, nonexistent: 0, ambiguous: 0 };
  for (let w = wall(2017, 1, 1, 0); w < wall(2018, 1, 1, 0); w += stepMinutes * M) {
    const got = clock.toUtc(w);
    const want = oracle(w);
    if (typeof want === 'number') assert.equal(got, want, `${zone} ${new Date(w).toISOString()}`);
    else assert.equal(clock.status, want, `${zone} ${new Date(w).toISOString()}`);
    counts[clock.status]++;
  }
  return counts;
}

test('America/New_York 2017: EST/EDT, the skipped hour of 12 March and the repeated hour of 5 November', () => {
  // US rule since 2007: 2nd Sunday of March 02:00 EST → 03:00 EDT, 1st Sunday of November 02:00 EDT → 01:00 EST.
  const oracle = ruleOracle(-5 * H, -4 * H, [wall(2017, 3, 12, 2), wall(2017, 3, 12, 3)], [wall(2017, 11, 5, 1), wall(2017, 11, 5, 2)]);
  const counts = checkYear('America/New_York', oracle, 7);
  assert.ok(counts.nonexistent >= 8 && counts.ambiguous >= 8, JSON.stringify(counts)); // one hour each, sampled every 7 min
  const c = new ZoneClock('America/New_York');
  assert.equal(new Date(c.toUtc(wall(2017, 1, 2, 2))).toISOString(), '2017-01-02T07:00:00.000Z');
  assert.equal(new Date(c.toUtc(wall(2017, 9, 6, 10))).toISOString(), '2017-09-06T14:00:00.000Z');
  c.toUtc(wall(2017, 3, 12, 2, 30));
  assert.equal(c.status, 'nonexistent');
  c.toUtc(wall(2017, 11, 5, 1, 30));
  assert.equal(c.status, 'ambiguous');
});

test('Europe/London 2017: GMT/BST, every minute of the year', () => {
  // EU rule: last Sunday of March 01:00 GMT → 02:00 BST, last Sunday of October 02:00 BST → 01:00 GMT.
  const oracle = ruleOracle(0, H, [wall(2017, 3, 26, 1), wall(2017, 3, 26, 2)], [wall(2017, 10, 29, 1), wall(2017, 10, 29, 2)]);
  const counts = checkYear('Europe/London', oracle, 1);
  assert.deepEqual({ nonexistent: counts.nonexistent, ambiguous: counts.ambiguous }, { nonexistent: 60, ambiguous: 60 });
});

test('Australia/Lord_Howe: a 30-minute shift inside an hour is resolved minute by minute', () => {
  // 2017-10-01 02:00 (+10:30) → 02:30 (+11); 2017-04-02 02:00 (+11) → 01:30 (+10:30).
  const oracle = ruleOracle(10.5 * H, 11 * H, [wall(2017, 10, 1, 2), wall(2017, 10, 1, 2, 30)],
    [wall(2017, 4, 2, 1, 30), wall(2017, 4, 2, 2)]);
  const clock = new ZoneClock('Australia/Lord_Howe');
  const counts = { ok: 0, nonexistent: 0, ambiguous: 0 };
  for (const [from, to] of [[wall(2017, 3, 30, 0), wall(2017, 4, 4, 0)], [wall(2017, 9, 29, 0), wall(2017, 10, 3, 0)]]) {
    for (let w = from!; w < to!; w += M) {
      const want = oracle(w);
      const got = clock.toUtc(w);
      if (typeof want === 'number') assert.equal(got, want, new Date(w).toISOString());
      else assert.equal(clock.status, want, new Date(w).toISOString());
      counts[clock.status]++;
    }
  }
  assert.deepEqual({ nonexistent: counts.nonexistent, ambiguous: counts.ambiguous }, { nonexistent: 30, ambiguous: 30 });
});

test('fixed-offset zones and bad zone names', () => {
  const kolkata = new ZoneClock('Asia/Kolkata');
  assert.equal(kolkata.toUtc(wall(2017, 6, 1, 12)), wall(2017, 6, 1, 6, 30));
  assert.equal(new ZoneClock('UTC').toUtc(wall(2017, 6, 1, 12)), wall(2017, 6, 1, 12));
  assert.throws(() => new ZoneClock('America/Nowhere'), /unknown time zone "America\/Nowhere"/);
});

const enc = new TextEncoder();
function parse(format: string, zone: string, s: string): number | string {
  const f = new TimeField(format, zone);
  const b = enc.encode(s);
  const t = f.parse(b, 0, b.length);
  return f.status === 'ok' ? t : f.status === 'malformed' ? `malformed: ${f.reason}` : f.status;
}

test('TimeField patterns: HistData, Dukascopy and custom layouts, in a zone', () => {
  assert.equal(parse('YYYYMMDD HHmmss', 'America/New_York', '20170102 020000'), Date.parse('2017-01-02T07:00Z'));
  assert.equal(parse('YYYYMMDD HHmmss', 'America/New_York', '20170608 170000'), Date.parse('2017-06-08T21:00Z'));
  assert.equal(parse('YYYYMMDD HHmmss', 'America/New_York', '20170312 023000'), 'nonexistent');
  assert.equal(parse('YYYYMMDD HHmmss', 'America/New_York', '20171105 013000'), 'ambiguous');
  assert.equal(parse('DD.MM.YYYY HH:mm:ss.SSS', 'UTC', '01.04.2025 00:00:00.000'), Date.parse('2025-04-01T00:00Z'));
  assert.equal(parse('MM/DD/YYYY HH:mm', 'Europe/London', ' "07/01/2024 09:30" '), Date.parse('2024-07-01T08:30Z'));
  assert.equal(parse('DD.MM.YYYY HH:mm:ss.SSS', 'UTC', '01.04.2025 00:00:30.000'), 'malformed: not on a minute boundary');
  assert.equal(parse('DD.MM.YYYY HH:mm:ss.SSS', 'UTC', '01.04.2025 00:00:00.500'), 'malformed: not on a minute boundary');
  assert.equal(parse('YYYYMMDD HHmmss', 'UTC', '20170229 000000'), 'malformed: date or time out of range');
  assert.equal(parse('YYYYMMDD HHmmss', 'UTC', '20160229 240000'), 'malformed: date or time out of range');
  assert.equal(parse('YYYYMMDD HHmmss', 'UTC', '20170102 0200'), 'malformed: does not match the time format');
  assert.equal(parse('YYYYMMDD HHmmss', 'UTC', '2017O102 020000'), 'malformed: does not match the time format');
  assert.throws(() => new TimeField('YYYY-MM-DD', 'UTC'), /needs exactly one HH/);
  assert.throws(() => new TimeField('iso', 'Mars/Olympus'), /unknown time zone/);
});

test('TimeField ISO 8601: Z, offsets, no offset (zone), fractions; epoch ms and s', () => {
  const t = Date.parse('2017-01-02T07:00Z');
  for (const s of ['2017-01-02T07:00Z', '2017-01-02T07:00:00Z', '2017-01-02 07:00:00.000Z', '2017-01-02T02:00:00-05:00',
    '2017-01-02T12:30+0530', '2017-01-02T09:00:00.000000+02', '2017-01-02T07:00:00']) {
    assert.equal(parse('iso', 'UTC', s), t, s);
  }
  assert.equal(parse('iso', 'America/New_York', '2017-01-02T02:00:00'), t);
  assert.equal(parse('iso', 'America/New_York', '2017-01-02T07:00:00Z'), t, 'an explicit offset wins over the zone');
  for (const s of ['2017-01-02', '2017/01/02 07:00', '2017-01-02T07:00:00+5', '2017-01-02T07:00:00 Z', '2017-01-02T07:00:00.Z']) {
    assert.equal(parse('iso', 'UTC', s), 'malformed: not an ISO 8601 date-time', s);
  }
  assert.equal(parse('iso', 'UTC', '2017-01-02T07:00:01Z'), 'malformed: not on a minute boundary');
  assert.equal(parse('epoch-ms', 'UTC', '1483340400000'), t);
  assert.equal(parse('epoch-s', 'UTC', '1483340400'), t);
  assert.equal(parse('epoch-s', 'UTC', '1483340401'), 'malformed: not on a minute boundary');
  assert.equal(parse('epoch-ms', 'UTC', 'x'), 'malformed: not a number');
});
