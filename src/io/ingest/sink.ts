// Row checks shared by every reader (DESIGN.md "Bad input"): each row is either loaded, dropped as a
// closed-market filler bar, or rejected with one defect (the first check it fails, in this order:
// time order, prices, OHLC consistency).
import { allocBars, BAR_COLUMNS, type Bars } from '../../core/types.ts';
import { isoMinute } from '../../core/time.ts';
import type { DefectKind, RowDefect } from './types.ts';

/** The row a reader is on: its line number and raw text (built only when a defect needs it). */
export interface RowSource {
  readonly line: number;
  raw(): string;
}

export class BarSink {
  readonly defects: RowDefect[] = [];
  closedMarket = 0;
  private readonly out: Bars;
  private n = 0;
  private lastTs = -Infinity;
  private lastLine = 0;

  /**
   * `capacity`: an upper bound on the rows (one allocation per file). `dropClosedMarket`: drop flat
   * zero-volume bars (O = H = L = C, volume 0), which Dukascopy exports for closed-market minutes.
   */
  constructor(
    capacity: number,
    private readonly file: string,
    private readonly src: RowSource,
    private readonly dropClosedMarket: boolean,
  ) {
    this.out = allocBars(capacity);
  }

  /** Rejects the current row. */
  reject(kind: DefectKind, message: string): void {
    this.defects.push({ kind, file: this.file, line: this.src.line, message, raw: this.src.raw() });
  }

  /** A defect of the whole file (line 0), e.g. an unknown pair in its name. */
  rejectFile(kind: DefectKind, message: string): void {
    this.defects.push({ kind, file: this.file, line: 0, message, raw: '' });
  }

  /** Checks the current row and keeps it if it is good. */
  push(ts: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (ts <= this.lastTs) {
      const prev = `${isoMinute(this.lastTs)} (line ${this.lastLine})`;
      if (ts === this.lastTs) this.reject('duplicate', `duplicate bar ${isoMinute(ts)}: already at ${prev}`);
      else this.reject('out-of-order', `bar ${isoMinute(ts)} comes after ${prev}`);
      return;
    }
    this.lastTs = ts;
    this.lastLine = this.src.line;
    if (!(open > 0 && high > 0 && low > 0 && close > 0 && open < Infinity && high < Infinity && low < Infinity &&
      close < Infinity)) {
      this.reject('bad-price', `prices must be finite and > 0: open ${open}, high ${high}, low ${low}, close ${close}`);
      return;
    }
    if (!(volume >= 0 && volume < Infinity)) {
      this.reject('malformed', `volume must be a finite number ≥ 0, got ${volume}`);
      return;
    }
    if (high < low || open < low || open > high || close < low || close > high) {
      this.reject('ohlc-inconsistent', `need low ≤ open, close ≤ high: open ${open}, high ${high}, low ${low}, close ${close}`);
      return;
    }
    if (this.dropClosedMarket && volume === 0 && open === high && high === low && low === close) {
      this.closedMarket++;
      return;
    }
    const i = this.n++;
    this.out.ts[i] = ts;
    this.out.open[i] = open;
    this.out.high[i] = high;
    this.out.low[i] = low;
    this.out.close[i] = close;
    this.out.volume[i] = volume;
  }

  /** The kept bars (copied into an exactly sized block when rows were rejected or dropped). */
  bars(): Bars {
    if (this.n === this.out.ts.length) return this.out;
    const exact = allocBars(this.n);
    for (const c of BAR_COLUMNS) exact[c].set(this.out[c].subarray(0, this.n));
    return exact;
  }
}
