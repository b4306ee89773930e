// Dukascopy exports. The dukascopy.com web export: `Gmt time,Open,High,Low,Close,Volume`, times
// `DD.MM.YYYY HH:MM:SS.000` in UTC, CRLF, no trailing newline. The dukascopy-node export:
// `timestamp,open,high,low,close[,volume]` with epoch ms or ISO times. Both fill closed-market minutes
// with flat zero-volume bars (O = H = L = C, volume 0): those are dropped and counted, not loaded.
import { readCsv } from './csv.ts';
import { firstLine, readDelimited } from './delimited.ts';
import { filePair } from './pairs.ts';
import { fatalResult } from './result.ts';
import { TimeField } from './timefield.ts';
import type { ReadOptions, ReadResult } from './types.ts';
import { unpack, type Input } from './zip.ts';

const WEB_HEADER = 'gmt time,open,high,low,close,volume';

/** Which Dukascopy dialect a header line is, if any. */
export function dukascopyDialect(header: string): 'web' | 'node' | 'web-local' | null {
  const h = header.trim().toLowerCase().replace(/\s*,\s*/g, ',');
  if (h === WEB_HEADER) return 'web';
  if (h.startsWith('local time,')) return 'web-local';
  if (/^timestamp,open,high,low,close(,volume)?$/.test(h)) return 'node';
  return null;
}

export function readDukascopy(input: Input, name: string, opts: ReadOptions = {}): ReadResult {
  const src = unpack(input, name, opts.maxUnzippedBytes);
  if ('error' in src) return fatalResult(name, 'malformed', src.error);
  const { line: header, next } = firstLine(src.bytes);
  switch (dukascopyDialect(header)) {
    case 'node':
      return readCsv(src, name, { ...opts, csv: undefined }, true);
    case 'web': {
      const { pair, defects } = filePair(opts.pair, [name, src.member], false);
      return readDelimited(src.bytes, name, {
        delimiter: 44, fields: 6, time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5, pair: -1,
        timeField: new TimeField('DD.MM.YYYY HH:mm:ss.SSS', 'UTC'), dropClosedMarket: true,
      }, { dataStart: next, firstLine: 2, pair, fileDefects: defects, onProgress: opts.onProgress });
    }
    case 'web-local':
      return fatalResult(name, 'malformed', 'a Dukascopy export in local time: its zone is not in the file; export with "GMT" time', 1);
    default:
      return fatalResult(name, 'malformed', `not a Dukascopy export: header ${JSON.stringify(header)} (expected "Gmt time,Open,High,Low,Close,Volume" or "timestamp,open,high,low,close,volume")`, 1);
  }
}
