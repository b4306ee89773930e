// Slices of the real 2017 HistData files (../shared/data/real-fx/parrondo__deeptrading) by New York local
// time, converted to UTC by a plain rule written here (an oracle independent of src/io/ingest/timezone.ts).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { allocBars, type Bars } from '../../src/core/types.ts';

export const DIR = fileURLToPath(new URL('../../../shared/data/real-fx/parrondo__deeptrading/', import.meta.url));
export const realSkip = existsSync(DIR) ? false : 'needs ../shared/data/real-fx (absent)';
const HOUR = 3_600_000;

/** US DST (since 2007): from the 2nd Sunday of March 02:00 to the 1st Sunday of November 02:00 local. */
function nyToUtc(y: number, mo: number, d: number, h: number, mi: number): number {
  const local = Date.UTC(y, mo - 1, d, h, mi);
  const sunday = (month: number, nth: number) => {
    const first = new Date(Date.UTC(y, month - 1, 1)).getUTCDay();
    return Date.UTC(y, month - 1, 1 + ((7 - first) % 7) + 7 * (nth - 1), 2);
  };
  const dst = local >= sunday(3, 2) && local < sunday(11, 1);
  return local + (dst ? 4 : 5) * HOUR;
}

/** The CSV lines of one pair with local (NY) stamp in any of the [from, to) periods, e.g. '20170312 170000'. */
function histdataLines(pair: string, periods: readonly (readonly [string, string])[]): string[] {
  const files = unzipSync(readFileSync(`${DIR}HISTDATA_COM_ASCII_${pair}_M1_2017.zip`), { filter: (f) => f.name.endsWith('.csv') });
  const bytes = Buffer.from(Object.values(files)[0]!);
  const lines: string[] = [];
  for (const [from, to] of periods) {
    const s = bytes.indexOf(from.slice(0, 11));
    const e = bytes.indexOf(to.slice(0, 11), s);
    lines.push(...bytes.subarray(s, e < 0 ? bytes.length : e).toString('latin1').split('\n').filter((l) => l.length > 0 && l.slice(0, 15) >= from && l.slice(0, 15) < to));
  }
  return lines;
}

/** One pair's bars (UTC) over the given NY-local periods. */
export function histdata(pair: string, periods: readonly (readonly [string, string])[]): Bars {
  const lines = histdataLines(pair, periods);
  const b = allocBars(lines.length);
  lines.forEach((l, i) => {
    const [stamp, o, h, lo, c] = l.split(';');
    const n = (k: number, len: number) => Number(stamp!.slice(k, k + len));
    b.ts[i] = nyToUtc(n(0, 4), n(4, 2), n(6, 2), n(9, 2), n(11, 2));
    [b.open[i], b.high[i], b.low[i], b.close[i]] = [Number(o), Number(h), Number(lo), Number(c)];
    b.volume[i] = 0;
  });
  return b;
}

