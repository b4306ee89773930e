// Seeded generator of malformed bar files for the ingest fuzz test: a few good rows of one format
// (HistData, Dukascopy web or dukascopy-node, generic CSV), damaged by random mutations, in a plain
// file or a zip (also zips with no data file, two data files, cut short, or over the size cap).
import { zipSync } from 'fflate';
import { rng } from '../helpers/rng.ts';

export type TextFormat = 'histdata' | 'dukascopy' | 'dukascopy-node' | 'csv';

export interface FuzzCase {
  name: string;
  format: TextFormat;
  bytes: Uint8Array;
  /** The text the reader parses (the zip's member, after a byte-order mark), Latin-1 (one char per byte); null if none. */
  text: string | null;
  delimiter: string;
  /** Fields per data row, and the format's header line (null: none). */
  fields: number;
  header: string | null;
  /** The mutations applied, for failure messages. */
  mutations: string[];
}

const enc = new TextEncoder();
const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

const LAYOUT: Record<TextFormat, { delimiter: string; fields: number; header: string | null; name: string }> = {
  'histdata': { delimiter: ';', fields: 6, header: null, name: 'DAT_ASCII_EURUSD_M1_2017' },
  'dukascopy': { delimiter: ',', fields: 6, header: 'Gmt time,Open,High,Low,Close,Volume', name: 'GBPUSD_Candlestick_1_M_BID_01.06.2017-02.06.2017' },
  'dukascopy-node': { delimiter: ',', fields: 6, header: 'timestamp,open,high,low,close,volume', name: 'usdjpy-m1-bid-2017-06-01-2017-06-02' },
  'csv': { delimiter: ',', fields: 6, header: 'time,open,high,low,close,volume', name: 'AUDUSD' },
};

/** The time field of minute `m` after 2017-06-01 10:00 (New York for HistData, UTC otherwise). */
function timeField(format: TextFormat, m: number): string {
  const t = Date.UTC(2017, 5, 1, 10, m);
  const d = new Date(t);
  const [Y, M, D, h, mi] = [d.getUTCFullYear(), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()), pad(d.getUTCHours()), pad(d.getUTCMinutes())];
  switch (format) {
    case 'histdata': return `${Y}${M}${D} ${h}${mi}00`;
    case 'dukascopy': return `${D}.${M}.${Y} ${h}:${mi}:00.000`;
    case 'dukascopy-node': return String(t);
    case 'csv': return `${Y}-${M}-${D}T${h}:${mi}:00Z`;
  }
}

const NASTY_NUMBERS = ['1e308', '1e400', '-1e400', '9'.repeat(400), '-0', '0x1F', '1.2.3', '', ' ', '+', '.', 'e5', '1e-400',
  'NaN', 'nan', 'Inf', '-inf', 'Infinity', '+Infinity', '１.１', '1,1', '1٫1', '\u200f1.1', '0', '-1.1', '4294967296', '1_000'];
const NASTY_TIMES = ['0000-01-01T00:00Z', '99999999 999999', '20171301 000000', '20170631 100000', '2071-06-01T10:00Z',
  '6000000000000000000000', '-60000', '1e300', '31.02.2017 10:00:00.000', '2017-06-01T10:00:30Z', '2017-06-01', '',
  '\u{1F4B1}', '2017-06-01T10:00+25:00', '19691231 235900', '21010101 000000', '01.01.0001 00:00:00.000'];

/** One damaged file of a random format. */
export function fuzzCase(seed: number): FuzzCase {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const format = pick(['histdata', 'dukascopy', 'dukascopy-node', 'csv'] as const);
  const L = LAYOUT[format];
  const lines: string[] = [];
  if (L.header) lines.push(L.header);
  const rows = 1 + Math.floor(r() * 30);
  for (let m = 0; m < rows; m++) {
    const o = 1.1 + m * 1e-4;
    const flat = r() < 0.1;
    const [h, l, c] = flat ? [o, o, o] : [o + 5e-4, o - 5e-4, o + 1e-4];
    const v = flat ? 0 : Math.round(r() * 100);
    lines.push([timeField(format, m), ...[o, h, l, c].map((x) => x.toFixed(5)), String(v)].join(L.delimiter));
  }
  const mutations: string[] = [];
  const row = () => (L.header ? 1 : 0) + Math.floor(r() * (lines.length - (L.header ? 1 : 0)));
  const setField = (k: number, value: string) => {
    const i = row();
    const f = lines[i]!.split(L.delimiter);
    f[k] = latin1(enc.encode(value)); // UTF-8 bytes, one Latin-1 char each
    lines[i] = f.join(L.delimiter);
  };
  let eol = '\n';
  let bom = false;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n && lines.length > 0; k++) {
    const what = pick(['truncate', 'delimiter', 'garbage', 'number', 'time', 'unicode', 'crlf', 'bom', 'blank', 'quote',
      'drop-field', 'add-field', 'duplicate', 'swap', 'long', 'cr', 'nul', 'header', 'file-delimiter'] as const);
    mutations.push(what);
    const i = row();
    switch (what) {
      case 'truncate': lines[i] = lines[i]!.slice(0, Math.floor(r() * lines[i]!.length)); break;
      case 'delimiter': lines[i] = lines[i]!.split(L.delimiter).join(pick([';', ',', '\t', '|', ' '])); break;
      case 'garbage': lines.splice(i, 0, latin1(Uint8Array.from({ length: 1 + Math.floor(r() * 80) }, () => Math.floor(r() * 256)))); break;
      case 'number': setField(1 + Math.floor(r() * 5), pick(NASTY_NUMBERS)); break;
      case 'time': setField(0, pick(NASTY_TIMES)); break;
      case 'unicode': setField(Math.floor(r() * 6), pick(['é', '€1.1', '\u{1F4B1}', 'ß', '\u202e1.1', '１'])); break;
      case 'crlf': eol = pick(['\r\n', '\n']); break;
      case 'bom': bom = true; break;
      case 'blank': lines.splice(i, 0, pick(['', ' ', '\t', ' \t '])); break;
      case 'quote': setField(Math.floor(r() * 6), `"${lines[i]!.split(L.delimiter)[0]}`); break;
      case 'drop-field': lines[i] = lines[i]!.split(L.delimiter).slice(0, -1).join(L.delimiter); break;
      case 'add-field': lines[i] += L.delimiter + '1.1'; break;
      case 'duplicate': lines.splice(i, 0, lines[i]!); break;
      case 'swap': { const j = row(); [lines[i], lines[j]] = [lines[j]!, lines[i]!]; break; }
      case 'long': lines[i] += 'x'.repeat(100_000); break;
      case 'cr': lines[i] = lines[i]!.replace(L.delimiter, '\r'); break;
      case 'nul': lines[i] = lines[i]!.replace(L.delimiter, '\0'); break;
      case 'header': lines[0] = lines[0]!.slice(0, Math.floor(r() * lines[0]!.length)); break;
      case 'file-delimiter': { const d = pick([';', ',', '\t', '|']); for (let j = 0; j < lines.length; j++) lines[j] = lines[j]!.split(L.delimiter).join(d); break; }
    }
  }
  let text = lines.join(eol) + (r() < 0.5 ? eol : '');
  if (r() < 0.03) text = pick(['', ' ', '\n\n', '\r\n']); // empty files
  const plain = new Uint8Array(Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'latin1')]));
  const base = { format, delimiter: L.delimiter, fields: L.fields, header: L.header, mutations };
  const container = r();
  if (container < 0.7) return { ...base, name: `${L.name}.csv`, bytes: plain, text };
  const csvName = `${L.name}.csv`;
  const zip = (files: Record<string, Uint8Array>) => zipSync(files, { level: 1 });
  if (container < 0.85) {
    return { ...base, name: `${L.name}.zip`, bytes: zip({ [csvName]: plain, 'report.txt': enc.encode('status') }), text };
  }
  const broken = pick(['no-data', 'two-data', 'cut', 'bomb'] as const);
  base.mutations.push(`zip:${broken}`);
  const bytes = broken === 'no-data' ? zip({ 'report.txt': enc.encode('status'), 'empty/': new Uint8Array(0) })
    : broken === 'two-data' ? zip({ [csvName]: plain, 'b.csv': plain })
      : broken === 'cut' ? zip({ [csvName]: plain }).slice(0, 10 + Math.floor(r() * 60))
        : zip({ [csvName]: new Uint8Array(FUZZ_UNZIP_CAP + 1).fill(48) });
  return { ...base, name: `${L.name}.zip`, bytes, text: null };
}

/** The unzipped-size cap the fuzz test ingests with (its bombs unpack to one byte more). */
export const FUZZ_UNZIP_CAP = 64 << 10;
