// Parsing of a bar's time field into the bar start (epoch ms UTC), straight from bytes.
// Formats: 'iso' (offset optional), 'epoch-ms', 'epoch-s', or a fixed-width pattern such as
// 'YYYYMMDD HHmmss' (HistData) or 'DD.MM.YYYY HH:mm:ss.SSS' (Dukascopy). Times without an offset are
// wall-clock times of the given IANA zone.
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../core/time.ts';
import { fieldEnd, fieldStart, parseDecimal, parseDigits } from './bytes.ts';
import { ZoneClock } from './timezone.ts';

const [SPACE, DASH, DOT, COLON, PLUS, T, Z] = [32, 45, 46, 58, 43, 84, 90];

export type TimeStatus = 'ok' | 'malformed' | 'nonexistent' | 'ambiguous';

/** Pattern tokens; a token's index is the slot of its value in TimeField's scratch fields. */
const TOKENS = ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss', 'SSS'] as const;
const [Y, MO, D, HH, MI, SS, MS] = [0, 1, 2, 3, 4, 5, 6];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  return m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : DAYS_IN_MONTH[m - 1]!;
}

/** Days from 1970-01-01 to the proleptic Gregorian date y-m-d (H. Hinnant, "days_from_civil"). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** A fixed-width pattern as parallel arrays: each slot is a token (its field index) or one literal byte. */
interface Pattern { at: Int32Array; width: Int32Array; field: Int32Array; literal: Int32Array; length: number }

/** Compiles a fixed-width pattern; throws a one-line error for a pattern without a full date-time. */
function compilePattern(pattern: string): Pattern {
  const slots: { at: number; width: number; field: number; literal: number }[] = [];
  for (let i = 0; i < pattern.length;) {
    const field = TOKENS.findIndex((t) => pattern.startsWith(t, i));
    const width = field >= 0 ? TOKENS[field]!.length : 1;
    slots.push({ at: i, width, field, literal: field >= 0 ? 0 : pattern.charCodeAt(i) });
    i += width;
  }
  for (const t of ['YYYY', 'MM', 'DD', 'HH', 'mm'] as const) {
    if (slots.filter((s) => s.field === TOKENS.indexOf(t)).length !== 1) {
      throw new Error(`time format ${JSON.stringify(pattern)} needs exactly one ${t} (tokens: YYYY MM DD HH mm ss SSS)`);
    }
  }
  const col = (k: 'at' | 'width' | 'field' | 'literal') => Int32Array.from(slots, (s) => s[k]);
  return { at: col('at'), width: col('width'), field: col('field'), literal: col('literal'), length: pattern.length };
}

export class TimeField {
  /** Status of the last parse. */
  status: TimeStatus = 'ok';
  /** Why the last parse was malformed (a constant string). */
  reason = '';
  private readonly kind: 'iso' | 'epoch-ms' | 'epoch-s' | 'pattern';
  private readonly pattern: Pattern | null = null;
  private readonly clock: ZoneClock | null;
  /** The zone of times without an offset. */
  readonly zone: string;
  /** Scratch date-time fields of the current parse, indexed like TOKENS. */
  private readonly f = new Int32Array(TOKENS.length);
  private lastDate = -1; // y·10⁴ + m·10² + d of the previous parse, and its epoch day
  private lastDay = 0;
  private offset = NaN; // explicit UTC offset of an ISO field, minutes

  /** `zone`: IANA zone of times without an offset ('UTC' = no conversion). Throws on a bad format or zone. */
  constructor(format: string, zone: string | ZoneClock) {
    if (format === 'iso' || format === 'epoch-ms' || format === 'epoch-s') this.kind = format;
    else {
      this.kind = 'pattern';
      this.pattern = compilePattern(format);
    }
    const clock = typeof zone === 'string' ? new ZoneClock(zone) : zone;
    this.clock = clock.zone === 'UTC' ? null : clock;
    this.zone = clock.zone;
  }

  /** Bar start (epoch ms UTC) of the field [s, e); NaN with `status` ≠ 'ok' when it cannot be. */
  parse(b: Uint8Array, s: number, e: number): number {
    const from = fieldStart(b, s, e);
    const to = fieldEnd(b, s, e);
    this.status = 'malformed';
    const f = this.f;
    f[SS] = 0;
    f[MS] = 0;
    let t: number;
    if (this.kind === 'epoch-ms' || this.kind === 'epoch-s') {
      const v = parseDecimal(b, from, to) * (this.kind === 'epoch-s' ? 1000 : 1);
      if (!Number.isFinite(v)) return this.fail('not a number');
      if (v % MINUTE_MS !== 0) return this.fail('not on a minute boundary');
      this.status = 'ok';
      return v;
    }
    this.offset = NaN;
    if (this.pattern !== null ? !this.readPattern(b, from, to, this.pattern) : !this.readIso(b, from, to)) {
      return this.fail(this.pattern !== null ? 'does not match the time format' : 'not an ISO 8601 date-time');
    }
    const date = f[Y]! * 10000 + f[MO]! * 100 + f[D]!;
    if (date !== this.lastDate) {
      if (f[MO]! < 1 || f[MO]! > 12 || f[D]! < 1 || f[D]! > daysInMonth(f[Y]!, f[MO]!)) return this.fail('date or time out of range');
      this.lastDate = date;
      this.lastDay = daysFromCivil(f[Y]!, f[MO]!, f[D]!);
    }
    if (f[HH]! > 23 || f[MI]! > 59 || f[SS]! > 59) return this.fail('date or time out of range');
    if (f[SS] !== 0 || f[MS] !== 0) return this.fail('not on a minute boundary');
    const wall = this.lastDay * DAY_MS + f[HH]! * HOUR_MS + f[MI]! * MINUTE_MS;
    if (!Number.isNaN(this.offset)) t = wall - this.offset * MINUTE_MS;
    else if (this.clock === null) t = wall;
    else {
      t = this.clock.toUtc(wall);
      if (this.clock.status !== 'ok') {
        this.status = this.clock.status;
        return NaN;
      }
    }
    this.status = 'ok';
    return t;
  }

  private fail(reason: string): number {
    this.status = 'malformed';
    this.reason = reason;
    return NaN;
  }

  private readPattern(b: Uint8Array, from: number, to: number, p: Pattern): boolean {
    if (to - from !== p.length) return false;
    for (let k = 0; k < p.at.length; k++) {
      const at = from + p.at[k]!;
      const field = p.field[k]!;
      if (field < 0) {
        if (b[at] !== p.literal[k]) return false;
        continue;
      }
      const v = parseDigits(b, at, at + p.width[k]!);
      if (v < 0) return false;
      this.f[field] = v;
    }
    return true;
  }

  private digits(b: Uint8Array, at: number, w: number, to: number): number {
    return at + w <= to ? parseDigits(b, at, at + w) : -1;
  }

  /**
   * ISO 8601 date-time: YYYY-MM-DD, 'T' or ' ', HH:mm[:ss[.fraction]], then Z, ±HH[:mm], ±HHmm or
   * nothing. Sets the fields and `offset` (minutes, NaN without one); false if it is not one.
   */
  private readIso(b: Uint8Array, from: number, to: number): boolean {
    this.offset = NaN;
    this.f[Y] = this.digits(b, from, 4, to);
    this.f[MO] = this.digits(b, from + 5, 2, to);
    this.f[D] = this.digits(b, from + 8, 2, to);
    this.f[HH] = this.digits(b, from + 11, 2, to);
    this.f[MI] = this.digits(b, from + 14, 2, to);
    const sep = b[from + 10];
    if (this.f[Y] < 0 || this.f[MO] < 0 || this.f[D] < 0 || this.f[HH] < 0 || this.f[MI] < 0 || b[from + 4] !== DASH ||
      b[from + 7] !== DASH || (sep !== T && sep !== SPACE) || b[from + 13] !== COLON) {
      return false;
    }
    let i = from + 16;
    if (i < to && b[i] === COLON) {
      this.f[SS] = this.digits(b, i + 1, 2, to);
      i += 3;
      if (i < to && b[i] === DOT) {
        let j = i + 1;
        let nonZero = 0; // only whether the fraction is zero matters (bars start on whole minutes)
        for (; j < to && b[j]! >= 48 && b[j]! <= 57; j++) nonZero |= b[j]! - 48;
        this.f[MS] = j > i + 1 ? Math.min(nonZero, 1) : -1;
        i = j;
      }
      if (this.f[SS] < 0 || this.f[MS] < 0) return false;
    }
    if (i === to) return true;
    if (b[i] === Z && i + 1 === to) {
      this.offset = 0;
      return true;
    }
    const sign = b[i] === PLUS ? 1 : b[i] === DASH ? -1 : 0;
    const oh = this.digits(b, i + 1, 2, to);
    const rest = to - (i + 3);
    const om = rest === 0 ? 0 : rest === 3 && b[i + 3] === COLON ? this.digits(b, i + 4, 2, to)
      : rest === 2 ? this.digits(b, i + 3, 2, to) : -1;
    if (sign === 0 || oh < 0 || om < 0 || oh > 23 || om > 59) return false;
    this.offset = sign * (oh * 60 + om);
    return true;
  }
}
