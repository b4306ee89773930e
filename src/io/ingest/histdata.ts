// HistData.com Generic ASCII M1: `YYYYMMDD HHMMSS;O;H;L;C;V`, no header, a plain .csv or the .zip as
// downloaded. HistData documents fixed EST (UTC−5) but the real files follow America/New_York with
// daylight saving (SOURCES.md §1), hence the default zone; any IANA zone can be given.
import { readDelimited, textStart } from './delimited.ts';
import { filePair } from './pairs.ts';
import { TimeField } from './timefield.ts';
import type { ZoneClock } from './timezone.ts';
import type { ReadOptions, ReadResult } from './types.ts';
import { fatalResult } from './result.ts';
import { unpack, type Input } from './zip.ts';

export const HISTDATA_TZ = 'America/New_York';

/** Reads a HistData ASCII M1 file (.csv or .zip). `clock`: a shared zone clock (caches offsets across files). */
export function readHistData(input: Input, name: string, opts: ReadOptions = {}, clock?: ZoneClock): ReadResult {
  const src = unpack(input, name, opts.maxUnzippedBytes);
  if ('error' in src) return fatalResult(name, 'malformed', src.error);
  const { pair, defects } = filePair(opts.pair, [name, src.member], false);
  const timeField = new TimeField('YYYYMMDD HHmmss', clock ?? opts.sourceTz ?? HISTDATA_TZ);
  return readDelimited(src.bytes, name, {
    delimiter: 59, fields: 6, time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5, pair: -1, timeField,
    dropClosedMarket: false,
  }, { dataStart: textStart(src.bytes), firstLine: 1, pair, fileDefects: defects, onProgress: opts.onProgress });
}
