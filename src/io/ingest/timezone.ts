// Wall-clock time of an IANA zone → UTC, with Intl (no Date object per row): the zone's offset is
// looked up once per local hour and cached. A wall time the zone skips (spring forward) or repeats
// (fall back) is reported, never shifted silently.
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../core/time.ts';

export type LocalTimeStatus = 'ok' | 'nonexistent' | 'ambiguous';

/** Resolution of one local hour: one status and offset for all its minutes, or 'mixed' (per minute). */
interface HourEntry {
  readonly status: LocalTimeStatus | 'mixed';
  readonly offset: number; // local − UTC, ms (status ok)
  readonly candidates: readonly number[]; // the offsets in force around this hour
}

export class ZoneClock {
  readonly zone: string;
  /** Status of the last toUtc call. */
  status: LocalTimeStatus = 'ok';
  private readonly fmt: Intl.DateTimeFormat;
  private readonly hours = new Map<number, HourEntry>();
  private readonly hourOffsets = new Map<number, number>();
  private lastHour = NaN;
  private last: HourEntry | undefined;

  /** Throws a one-line error if `zone` is not an IANA zone name. */
  constructor(zone: string) {
    try {
      this.fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      throw new Error(`unknown time zone ${JSON.stringify(zone)} (expected an IANA name such as America/New_York)`);
    }
    this.zone = this.fmt.resolvedOptions().timeZone;
  }

  /** Offset local − UTC (ms) in force at the UTC instant t (cached for whole hours). */
  offsetAt(t: number): number {
    if (t % HOUR_MS === 0) {
      let o = this.hourOffsets.get(t);
      if (o === undefined) this.hourOffsets.set(t, (o = this.formatOffset(t)));
      return o;
    }
    return this.formatOffset(t);
  }

  private formatOffset(t: number): number {
    const sec = Math.floor(t / 1000) * 1000;
    let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    for (const p of this.fmt.formatToParts(sec)) {
      const v = Number(p.value);
      switch (p.type) {
        case 'year': y = v; break;
        case 'month': mo = v; break;
        case 'day': d = v; break;
        case 'hour': h = v; break;
        case 'minute': mi = v; break;
        case 'second': s = v; break;
      }
    }
    return Date.UTC(y, mo - 1, d, h, mi, s) - sec;
  }

  /**
   * The UTC instant of wall-clock time `wall` (ms of the local date-time read as if it were UTC);
   * NaN with `status` 'nonexistent' or 'ambiguous' when the zone skips or repeats that wall time.
   */
  toUtc(wall: number): number {
    const hour = Math.floor(wall / HOUR_MS);
    let entry = this.last;
    if (hour !== this.lastHour) {
      entry = this.hours.get(hour);
      if (!entry) {
        entry = this.resolveHour(hour * HOUR_MS);
        this.hours.set(hour, entry);
      }
      this.lastHour = hour;
      this.last = entry;
    }
    if (entry!.status === 'mixed') return this.resolve(wall, entry!.candidates);
    this.status = entry!.status;
    return this.status === 'ok' ? wall - entry!.offset : NaN;
  }

  private resolveHour(start: number): HourEntry {
    // Offsets a day either side cover any single transition near this hour (as Temporal polyfills do).
    const a = this.offsetAt(start - DAY_MS);
    const b = this.offsetAt(start + DAY_MS);
    if (a === b) return { status: 'ok', offset: a, candidates: [a] }; // no transition within a day
    const candidates = [a, b];
    const first = this.resolve(start, candidates);
    const firstStatus = this.status;
    const lastMinute = this.resolve(start + HOUR_MS - MINUTE_MS, candidates);
    if (this.status !== firstStatus || (firstStatus === 'ok' && start - first !== start + HOUR_MS - MINUTE_MS - lastMinute)) {
      return { status: 'mixed', offset: NaN, candidates };
    }
    return { status: firstStatus, offset: firstStatus === 'ok' ? start - first : NaN, candidates };
  }

  /** The UTC instants whose local time is `wall`, among the candidate offsets: 0, 1 or 2 of them. */
  private resolve(wall: number, candidates: readonly number[]): number {
    let found = NaN;
    let n = 0;
    for (const o of candidates) {
      if (this.offsetAt(wall - o) === o) {
        found = wall - o;
        n++;
      }
    }
    this.status = n === 1 ? 'ok' : n === 0 ? 'nonexistent' : 'ambiguous';
    return n === 1 ? found : NaN;
  }
}
