// time (20) — calendar features of the bar's UTC start time, no DST (FEATURES.md §9), on the pair's own
// rows. Sessions and fixes are half-open [start, end) in UTC minutes of the day; the week runs from
// Monday 00:00 UTC (ISO), day_of_week 0 = Monday … 6 = Sunday.
import { DAY_MS, HOUR_MS, MINUTE_MS, monthEnd, monthOf, monthStart } from '../../core/time.ts';
import type { Family, OutputColumn, PairFrame } from '../types.ts';
import { crossDefs, FLAG, type CrossSpec, pairFamily } from './common.ts';

const DAY_MIN = 1440;
const WEEK_MIN = 7 * DAY_MIN;
const EPOCH_DOW = 3; // 1970-01-01 was a Thursday: Monday-based weekday 3
const WEEK_GAP_MS = DAY_MS;
const GAP_MIN = 5;

/** Windows in UTC hours (end may wrap past midnight). */
const WINDOWS: readonly (readonly [string, number, number])[] = [
  ['session_sydney', 21, 6], ['session_tokyo', 0, 9], ['session_london', 7, 16], ['session_newyork', 12, 21],
  ['overlap_london_ny', 12, 16], ['overlap_tokyo_london', 7, 9],
  ['is_london_fix', 15 + 55 / 60, 16 + 5 / 60], ['is_tokyo_fix', 50 / 60, 1],
];
const hm = (h: number) => `${String(Math.floor(h)).padStart(2, '0')}:${String(Math.round((h % 1) * 60)).padStart(2, '0')}`;

const specs: CrossSpec[] = [
  { name: 'hour_sin', kernel: 'calendar', lookback: 0, inputs: ['ts'], range: [-1, 1], description: 'sin(2π · minute of day / 1440)' },
  { name: 'hour_cos', kernel: 'calendar', lookback: 0, inputs: ['ts'], range: [-1, 1], description: 'cos(2π · minute of day / 1440)' },
  { name: 'dow_sin', kernel: 'calendar', lookback: 0, inputs: ['ts'], range: [-1, 1], description: 'sin(2π · minute of week / 10080)',
    notes: 'minute of week counted from Monday 00:00 UTC' },
  { name: 'dow_cos', kernel: 'calendar', lookback: 0, inputs: ['ts'], range: [-1, 1], description: 'cos(2π · minute of week / 10080)',
    notes: 'minute of week counted from Monday 00:00 UTC' },
  ...WINDOWS.map(([name, a, b]) => ({ name, kernel: 'calendar', params: { from: hm(a), to: hm(b) }, lookback: 0, inputs: ['ts'],
    discrete: FLAG, description: `1 if the bar starts in [${hm(a)}, ${hm(b)}) UTC, else 0` })),
  { name: 'minutes_since_week_open', kernel: 'calendar', lookback: WEEK_MIN, inputs: ['ts'],
    description: 'Minutes since the first bar after the last gap of ≥ 24 h between consecutive bars',
    notes: 'the last such gap can be a week back: NaN in the data set\'s first 10,080 rows (the declared prefix)' },
  { name: 'minutes_to_week_close', kernel: 'calendar', lookback: 0, inputs: ['ts'],
    description: 'Minutes from the bar start to Friday 21:00 UTC of its trading week',
    notes: 'trading week = Saturday 00:00 … Friday 23:59 UTC, so bars after 21:00 on Friday (winter NY close) are negative' },
  { name: 'month_progress', kernel: 'calendar', lookback: 0, inputs: ['ts'], range: [0, 1],
    description: '(ts − start of the UTC month) / length of the month' },
  { name: 'is_month_end', kernel: 'calendar', lookback: 0, inputs: ['ts'], discrete: FLAG,
    description: '1 on the last weekday (Mon–Fri) of the UTC month, else 0' },
  { name: 'gap_minutes', kernel: 'calendar', lookback: 1, inputs: ['ts'], description: 'Minutes since the previous bar of the pair' },
  { name: 'after_gap', kernel: 'calendar', lookback: 1, inputs: ['ts'], discrete: FLAG, description: `1 if gap_minutes > ${GAP_MIN}, else 0` },
  { name: 'hour_of_day', kernel: 'calendar', lookback: 0, inputs: ['ts'], range: [0, 23], description: 'UTC hour 0–23' },
  { name: 'day_of_week', kernel: 'calendar', lookback: 0, inputs: ['ts'], discrete: [0, 1, 2, 3, 4, 5, 6],
    description: 'UTC weekday, 0 = Monday … 6 = Sunday' },
];
const features = crossDefs('time', 'cross', specs);

/** sin and cos of 2π · k / period for k = 0 … period − 1: a bar's phase takes one of these values only. */
function phaseTable(period: number): { sin: Float64Array; cos: Float64Array } {
  const sin = new Float64Array(period), cos = new Float64Array(period);
  for (let k = 0; k < period; k++) {
    sin[k] = Math.sin((2 * Math.PI * k) / period);
    cos[k] = Math.cos((2 * Math.PI * k) / period);
  }
  return { sin, cos };
}
const DAY_PHASE = phaseTable(DAY_MIN);
const WEEK_PHASE = phaseTable(WEEK_MIN);
/** Per window, its flag (1 / 0) at each minute of the day. */
const SESSION_FLAGS = WINDOWS.map(([, a, b]) => {
  const [from, to] = [Math.round(a * 60), Math.round(b * 60)];
  return Float64Array.from({ length: DAY_MIN }, (_, m) => ((from < to ? m >= from && m < to : m >= from || m < to) ? 1 : 0));
});

function compute(frame: PairFrame, out: OutputColumn): void {
  const n = frame.n;
  const tsCol = frame.ts;
  const [hourSin, hourCos, dowSin, dowCos] = [out('hour_sin'), out('hour_cos'), out('dow_sin'), out('dow_cos')];
  const [sinceOpen, toClose, progress, monthEndFlag] = [out('minutes_since_week_open'), out('minutes_to_week_close'), out('month_progress'), out('is_month_end')];
  const [gapMinutes, afterGap, hourOfDay, dayOfWeek] = [out('gap_minutes'), out('after_gap'), out('hour_of_day'), out('day_of_week')];
  const flagCols = WINDOWS.map(([name]) => out(name));
  let weekOpen = NaN;
  let mStart = NaN;
  let mEnd = NaN;
  let lastWeekday = NaN; // epoch day of the month's last weekday
  for (let t = 0; t < n; t++) {
    const ts = tsCol[t]!;
    const minute = Math.floor(ts / MINUTE_MS);
    const mod = ((minute % DAY_MIN) + DAY_MIN) % DAY_MIN;
    const day = Math.floor(minute / DAY_MIN);
    const dow = (((day + EPOCH_DOW) % 7) + 7) % 7;
    const mow = dow * DAY_MIN + mod;
    hourSin[t] = DAY_PHASE.sin[mod]!;
    hourCos[t] = DAY_PHASE.cos[mod]!;
    dowSin[t] = WEEK_PHASE.sin[mow]!;
    dowCos[t] = WEEK_PHASE.cos[mow]!;
    for (let k = 0; k < flagCols.length; k++) flagCols[k]![t] = SESSION_FLAGS[k]![mod]!;

    const gap = t > 0 ? ts - tsCol[t - 1]! : NaN;
    if (gap >= WEEK_GAP_MS) weekOpen = ts;
    sinceOpen[t] = (ts - weekOpen) / MINUTE_MS;
    // Friday 21:00 of the week that starts on the Saturday on or before this day (Saturday = weekday 5).
    const sinceSaturday = (dow + 2) % 7;
    const close = (day - sinceSaturday + 6) * DAY_MS + 21 * HOUR_MS;
    toClose[t] = (close - ts) / MINUTE_MS;

    if (!(ts >= mStart && ts < mEnd)) {
      const m = monthOf(ts);
      [mStart, mEnd] = [monthStart(m), monthEnd(m)];
      const lastDay = mEnd / DAY_MS - 1;
      const lastDow = (lastDay + EPOCH_DOW) % 7;
      lastWeekday = lastDay - Math.max(0, lastDow - 4); // Saturday → Friday, Sunday → Friday
    }
    progress[t] = (ts - mStart) / (mEnd - mStart);
    monthEndFlag[t] = day === lastWeekday ? 1 : 0;
    gapMinutes[t] = gap / MINUTE_MS;
    afterGap[t] = gap !== gap ? NaN : gap / MINUTE_MS > GAP_MIN ? 1 : 0;
    hourOfDay[t] = Math.floor(mod / 60);
    dayOfWeek[t] = dow;
  }
}

export const timeFamily: Family = pairFamily('time', 'cross', features, compute);
