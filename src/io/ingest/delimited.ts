// The one delimited-text reader behind the HistData, Dukascopy and generic CSV formats: it walks the
// bytes line by line (no string per line or field), parses fields in place and hands rows to a BarSink.
import { parseDecimal, parseNonFinite, text } from './bytes.ts';
import { canonicalPair, unknownPairMessage } from './pairs.ts';
import { BarSink, type RowSource } from './sink.ts';
import type { TimeField } from './timefield.ts';
import type { DefectKind, ReadResult } from './types.ts';

const LF = 10;
const CR = 13;
const PROGRESS_EVERY = 1 << 20;

/** Where a format's fields are: column indices (−1 = absent) and how to read them. */
export interface TextLayout {
  readonly delimiter: number;
  readonly fields: number;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly pair: number;
  readonly timeField: TimeField;
  readonly dropClosedMarket: boolean;
}

/** Where a file's text starts: after a UTF-8 byte-order mark if there is one. */
export function textStart(b: Uint8Array): number {
  return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
}

/** A file's first line (after a byte-order mark) and where the next one starts. */
export function firstLine(b: Uint8Array): { line: string; next: number } {
  const start = textStart(b);
  let end = b.indexOf(LF, start);
  const next = end < 0 ? b.length : end + 1;
  if (end < 0) end = b.length;
  if (end > start && b[end - 1] === CR) end--;
  return { line: text(b, start, end), next };
}

/** Lines from byte `from` to the end (a final line feed ends the last line, it does not start one). */
function countLines(b: Uint8Array, from: number): number {
  if (from >= b.length) return 0;
  let n = b[b.length - 1] === LF ? 0 : 1;
  for (let i = b.indexOf(LF, from); i >= 0; i = b.indexOf(LF, i + 1)) n++;
  return n;
}

class TextReader implements RowSource {
  line = 0;
  private lineStart = 0;
  private lineEnd = 0;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly sink: BarSink;
  private pairBytes = new Uint8Array(0);
  private pairVerdict: string | null = null;
  rows = 0;

  constructor(
    private readonly b: Uint8Array,
    file: string,
    private readonly layout: TextLayout,
    public pair: string | null,
    dataStart: number,
  ) {
    this.starts = new Int32Array(layout.fields + 1);
    this.ends = new Int32Array(layout.fields + 1);
    this.sink = new BarSink(countLines(b, dataStart), file, this, layout.dropClosedMarket);
  }

  raw(): string {
    return text(this.b, this.lineStart, this.lineEnd);
  }

  /** Reads lines from byte `pos`; `line` = number of the line there. */
  run(pos: number, line: number, fileDefects: { kind: DefectKind; message: string }[],
    onProgress?: (done: number, total: number) => void): ReadResult {
    for (const d of fileDefects) this.sink.rejectFile(d.kind, d.message);
    const b = this.b;
    let nextProgress = pos + PROGRESS_EVERY;
    for (this.line = line - 1; pos < b.length;) {
      this.line++;
      let end = b.indexOf(LF, pos);
      const next = end < 0 ? b.length : end + 1;
      if (end < 0) end = b.length;
      if (end > pos && b[end - 1] === CR) end--;
      this.lineStart = pos;
      this.lineEnd = end;
      pos = next;
      if (onProgress && pos >= nextProgress) {
        onProgress(pos, b.length);
        nextProgress = pos + PROGRESS_EVERY;
      }
      if (this.isBlank()) continue;
      this.rows++;
      this.readRow();
    }
    onProgress?.(b.length, b.length);
    const fatal = this.pair === null || fileDefects.length > 0;
    if (this.pair === null && fileDefects.length === 0) {
      this.sink.rejectFile('unknown-pair', 'cannot tell the pair: name it in the file name (e.g. EURUSD.csv), pass --pair, or map a pair column');
    }
    return { pair: this.pair, bars: this.sink.bars(), rows: this.rows, dropped: this.sink.dropped(),
      defects: this.sink.defects, fatal };
  }

  private isBlank(): boolean {
    for (let i = this.lineStart; i < this.lineEnd; i++) if (this.b[i] !== 32 && this.b[i] !== 9) return false;
    return true;
  }

  /** Splits the current line into fields; their count (may exceed `fields`, then counting stops). */
  private split(): number {
    const { b, starts, ends } = this;
    const delim = this.layout.delimiter;
    const max = this.layout.fields;
    let k = 0;
    let s = this.lineStart;
    for (let i = s; i < this.lineEnd; i++) {
      if (b[i] === delim) {
        starts[k] = s;
        ends[k] = i;
        if (++k > max) return k;
        s = i + 1;
      }
    }
    starts[k] = s;
    ends[k] = this.lineEnd;
    return k + 1;
  }

  private readRow(): void {
    const L = this.layout;
    const got = this.split();
    if (got !== L.fields) {
      this.sink.reject('malformed', `expected ${L.fields} fields separated by ${JSON.stringify(String.fromCharCode(L.delimiter))}, found ${got > L.fields ? 'more' : got}`);
      return;
    }
    if (L.pair >= 0 && !this.checkPair(this.starts[L.pair]!, this.ends[L.pair]!)) return;
    const ts = L.timeField.parse(this.b, this.starts[L.time]!, this.ends[L.time]!);
    if (L.timeField.status !== 'ok') {
      const field = JSON.stringify(text(this.b, this.starts[L.time]!, this.ends[L.time]!));
      if (L.timeField.status === 'malformed') this.sink.reject('malformed', `time ${field}: ${L.timeField.reason}`);
      else if (L.timeField.status === 'nonexistent') {
        this.sink.reject('nonexistent-local-time', `local time ${field} does not exist in ${L.timeField.zone} (clocks skip it)`);
      } else {
        this.sink.reject('ambiguous-local-time', `local time ${field} occurs twice in ${L.timeField.zone} (clocks repeat it)`);
      }
      return;
    }
    // One defect per row: the first field that is not a number rejects it.
    const open = this.number(L.open, 'open');
    if (open === undefined) return;
    const high = this.number(L.high, 'high');
    if (high === undefined) return;
    const low = this.number(L.low, 'low');
    if (low === undefined) return;
    const close = this.number(L.close, 'close');
    if (close === undefined) return;
    const volume = L.volume < 0 ? 0 : this.number(L.volume, 'volume');
    if (volume === undefined) return;
    this.sink.push(ts, open, high, low, close, volume);
  }

  /** Field k as a number (NaN/±Infinity for spelled non-finite values), or undefined after rejecting the row. */
  private number(k: number, name: string): number | undefined {
    const s = this.starts[k]!;
    const e = this.ends[k]!;
    const v = parseDecimal(this.b, s, e);
    if (v === v) return v;
    const nonFinite = parseNonFinite(this.b, s, e);
    if (nonFinite === undefined) {
      this.sink.reject('malformed', `${name} ${JSON.stringify(text(this.b, s, e))} is not a number`);
    }
    return nonFinite;
  }

  /** True if the pair column [s, e) names the file's pair (caching the verdict of the last spelling). */
  private checkPair(s: number, e: number): boolean {
    let same = e - s === this.pairBytes.length;
    for (let i = 0; same && i < e - s; i++) same = this.b[s + i] === this.pairBytes[i];
    if (!same) {
      this.pairBytes = this.b.slice(s, e);
      this.pairVerdict = canonicalPair(text(this.b, s, e));
    }
    if (this.pairVerdict === null) {
      this.sink.reject('unknown-pair', unknownPairMessage(text(this.b, s, e).trim(), 'the pair column\'s'));
      return false;
    }
    this.pair ??= this.pairVerdict;
    if (this.pairVerdict !== this.pair) {
      this.sink.reject('mixed-pairs', `row of ${this.pairVerdict} in a file of ${this.pair}`);
      return false;
    }
    return true;
  }
}

/**
 * Reads the data lines of `b` from byte `dataStart` (line number `firstLine`). `pair`: the file's pair
 * if known (else the pair column's first valid value); `fileDefects`: defects of the whole file found
 * by the caller (they make the result fatal).
 */
export function readDelimited(b: Uint8Array, file: string, layout: TextLayout, opts: {
  dataStart: number; firstLine: number; pair: string | null;
  fileDefects?: { kind: DefectKind; message: string }[]; onProgress?: (done: number, total: number) => void;
}): ReadResult {
  const reader = new TextReader(b, file, layout, opts.pair, opts.dataStart);
  return reader.run(opts.dataStart, opts.firstLine, opts.fileDefects ?? [], opts.onProgress);
}
