// Row checks shared by every reader (DESIGN.md "Bad input"): each row is either loaded, dropped as a
// closed-market filler bar, or rejected with one defect (the first check it fails, in this order:
// time range, time order, prices, OHLC consistency).
import { allocBars, BAR_COLUMNS, type Bars } from '../../core/types.ts';
import { DAY_MS, isoMinute } from '../../core/time.ts';
import { isClosedMarket } from './week.ts';
import type { DefectKind, Dropped, RowDefect } from './types.ts';

/** Bar times a file may hold: the years 1970–2100 (UTC); anything else is a defect, never sent to the store. */
export const TS_MIN = Date.UTC(1970, 0, 1);
export const TS_END = Date.UTC(2101, 0, 1);
/** Years named in messages, --help and the README. */
export const YEARS = '1970–2100';

/**
 * The outlier rule: a row more than OUTLIER_GAP_MS ahead of both its neighbours (the previous row with a
 * valid time, or none for the first one, and the next such row) is a 'time-outlier' defect and does not
 * take part in the time order, so the good rows after it are not 'out-of-order'. One week is longer than
 * any market closure (weekend plus holiday); a real gap of more than a week followed by more data is kept.
 */
export const OUTLIER_GAP_MS = 7 * DAY_MS;

/** The row a reader is on: its line number and raw text (built only when a defect needs it). */
export interface RowSource {
  readonly line: number;
  raw(): string;
}

/** What happened to a row that might be an outlier (the row that last advanced the time order). */
type Outcome = 'kept' | 'closed' | 'flat' | 'rejected';

/** A row that jumped ahead in the time order, and what became of it. */
interface Jump { ts: number; line: number; raw: string; prevTs: number; prevLine: number; outcome: Outcome }

/** A row's values, kept to check it again. */
interface Saved { ts: number; open: number; high: number; low: number; close: number; volume: number; line: number; raw: string }

/** ISO minute of an epoch-ms time, or the number itself when no date can show it. */
function showTime(ts: number): string {
  return Math.abs(ts) <= 8.64e15 ? isoMinute(ts) : `${ts} ms`;
}

export class BarSink {
  readonly defects: RowDefect[] = [];
  /** Flat zero-volume bars dropped in the weekend closure (Friday 21:00 to Sunday 22:00 UTC). */
  closedMarket = 0;
  /** Flat zero-volume bars dropped inside the trading week, and the line of the first one (0: none). */
  flatInWeek = 0;
  firstFlatInWeekLine = 0;
  private readonly out: Bars;
  private n = 0;
  private lastTs = -Infinity;
  private lastLine = 0;
  /** The row being checked: the reader's current row, or a row taken back up (see `doubt`). */
  private row: RowSource;
  // The last row that advanced the time order when it jumped more than OUTLIER_GAP_MS ahead (or was the
  // first): kept until the next row shows whether it is an outlier. Its raw text is copied only then.
  private jump: Jump | null = null;
  // A first row followed by one more than OUTLIER_GAP_MS behind it: either the first is far ahead or the
  // second far behind. The second is rejected as out of order until the third row decides: if that one
  // is also far behind the first but after the second, the first is the outlier and the second is kept.
  private doubt: { first: Jump; second: Saved; defect: RowDefect } | null = null;

  /**
   * `capacity`: an upper bound on the rows (one allocation per file). `dropClosedMarket`: drop flat
   * zero-volume bars (O = H = L = C, volume 0), which Dukascopy exports for minutes without ticks.
   */
  constructor(
    capacity: number,
    private readonly file: string,
    private readonly src: RowSource,
    private readonly dropClosedMarket: boolean,
  ) {
    this.out = allocBars(capacity);
    this.row = src;
  }

  /** Rejects the current row. */
  reject(kind: DefectKind, message: string): void {
    this.defects.push({ kind, file: this.file, line: this.row.line, message, raw: this.row.raw() });
  }

  /** A defect of the whole file (line 0), e.g. an unknown pair in its name. */
  rejectFile(kind: DefectKind, message: string): void {
    this.defects.push({ kind, file: this.file, line: 0, message, raw: '' });
  }

  /** Checks the current row and keeps it if it is good. */
  push(ts: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (!(ts >= TS_MIN && ts < TS_END)) {
      this.reject('time-out-of-range', `bar ${showTime(ts)} is outside the years ${YEARS}`);
      return;
    }
    const jump = this.jump;
    const doubt = this.doubt;
    this.jump = null;
    this.doubt = null;
    if (doubt !== null) {
      if (ts > doubt.second.ts && doubt.first.ts - ts > OUTLIER_GAP_MS) {
        this.dropOutlier(doubt.first, doubt.second.ts);
        this.defects.splice(this.defects.indexOf(doubt.defect), 1);
        const s = doubt.second;
        this.row = { line: s.line, raw: () => s.raw };
        this.admit(s.ts, s.open, s.high, s.low, s.close, s.volume);
        this.row = this.src;
      }
    } else if (jump !== null && jump.ts === this.lastTs && jump.ts - ts > OUTLIER_GAP_MS) {
      if (jump.prevTs !== -Infinity) this.dropOutlier(jump, ts);
      else {
        this.admit(ts, open, high, low, close, volume); // rejected: out of order
        this.doubt = { first: jump, second: { ts, open, high, low, close, volume, line: this.src.line, raw: this.src.raw() },
          defect: this.defects.at(-1)! };
        return;
      }
    }
    this.admit(ts, open, high, low, close, volume);
  }

  /** The time order and price checks of a row in range. */
  private admit(ts: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (ts <= this.lastTs) {
      const prev = `${isoMinute(this.lastTs)} (line ${this.lastLine})`;
      if (ts === this.lastTs) this.reject('duplicate', `duplicate bar ${isoMinute(ts)}: already at ${prev}`);
      else this.reject('out-of-order', `bar ${isoMinute(ts)} comes after ${prev}`);
      return;
    }
    const jump = ts - this.lastTs > OUTLIER_GAP_MS
      ? { ts, line: this.row.line, raw: '', prevTs: this.lastTs, prevLine: this.lastLine, outcome: 'rejected' as Outcome } : null;
    this.lastTs = ts;
    this.lastLine = this.row.line;
    const outcome = this.check(ts, open, high, low, close, volume);
    if (jump !== null) {
      jump.outcome = outcome;
      if (outcome !== 'rejected') jump.raw = this.row.raw();
    }
    this.jump = jump;
  }

  /** The price checks of a row in time order: keeps, drops or rejects it. */
  private check(ts: number, open: number, high: number, low: number, close: number, volume: number): Outcome {
    if (!(open > 0 && high > 0 && low > 0 && close > 0 && open < Infinity && high < Infinity && low < Infinity &&
      close < Infinity)) {
      this.reject('bad-price', `prices must be finite and > 0: open ${open}, high ${high}, low ${low}, close ${close}`);
      return 'rejected';
    }
    if (!(volume >= 0 && volume < Infinity)) {
      this.reject('malformed', `volume must be a finite number ≥ 0, got ${volume}`);
      return 'rejected';
    }
    if (high < low || open < low || open > high || close < low || close > high) {
      this.reject('ohlc-inconsistent', `need low ≤ open, close ≤ high: open ${open}, high ${high}, low ${low}, close ${close}`);
      return 'rejected';
    }
    if (this.dropClosedMarket && volume === 0 && open === high && high === low && low === close) {
      if (isClosedMarket(ts)) {
        this.closedMarket++;
        return 'closed';
      }
      if (this.flatInWeek++ === 0) this.firstFlatInWeekLine = this.row.line;
      return 'flat';
    }
    const i = this.n++;
    this.out.ts[i] = ts;
    this.out.open[i] = open;
    this.out.high[i] = high;
    this.out.low[i] = low;
    this.out.close[i] = close;
    this.out.volume[i] = volume;
    return 'kept';
  }

  /** Takes back the row `jump` (the last one in time order) as a time outlier; rewinds the time order. */
  private dropOutlier(jump: Jump, nextTs: number): void {
    this.lastTs = jump.prevTs;
    this.lastLine = jump.prevLine;
    if (jump.outcome === 'rejected') return; // already reported for its prices
    if (jump.outcome === 'kept') this.n--;
    else if (jump.outcome === 'closed') this.closedMarket--;
    else if (--this.flatInWeek === 0) this.firstFlatInWeekLine = 0;
    const after = jump.prevTs === -Infinity ? 'it is the first bar' : `the bar before is ${isoMinute(jump.prevTs)} (line ${jump.prevLine})`;
    const defect: RowDefect = { kind: 'time-outlier', file: this.file, line: jump.line, raw: jump.raw,
      message: `bar ${isoMinute(jump.ts)} is more than ${OUTLIER_GAP_MS / DAY_MS} days ahead of both neighbours: ${after}, the bar after is ${isoMinute(nextTs)}` };
    let k = this.defects.length;
    while (k > 0 && this.defects[k - 1]!.line > jump.line) k--;
    this.defects.splice(k, 0, defect);
  }

  /** The flat zero-volume bars dropped so far. */
  dropped(): Dropped {
    return { closedMarket: this.closedMarket, flatInWeek: this.flatInWeek, firstFlatInWeekLine: this.firstFlatInWeekLine };
  }

  /** The kept bars (copied into an exactly sized block when rows were rejected or dropped). */
  bars(): Bars {
    if (this.n === this.out.ts.length) return this.out;
    const exact = allocBars(this.n);
    for (const c of BAR_COLUMNS) exact[c].set(this.out[c].subarray(0, this.n));
    return exact;
  }
}
