// Bars from the store once per pair and month: the pipeline's tasks (each unit reads a pair-month's bars
// again, with its own history and lookahead) and the validation's partitions and lake scan take their
// rows from here. Rows are positional
// (pipeline/inputs.ts): a partition's history is the tail of the pair's earlier months in the month
// index, its lookahead the head of the later ones — the rows loadPartitionBars reads with three queries.
// Months are kept in least-recently-used order up to `maxBytes`, so memory does not grow with the
// months read.
import { allocBars, BAR_COLUMNS, concatBars, sliceBars, type Bars } from '../core/types.ts';
import { monthEnd, monthStart } from '../core/time.ts';
import type { PartitionBars } from './inputs.ts';
import type { MonthIndex } from './plan.ts';
import type { Store } from '../store/types.ts';

/** 28 pairs × ~6 months of ~30k bars (48 bytes a bar). */
export const DEFAULT_BAR_CACHE_BYTES = 256 << 20;

export class BarCache {
  /** `${pair}|${month}` → its bars, least recently used first (Map order). */
  private readonly months = new Map<string, Promise<Bars>>();
  private bytes = 0;
  /** Months read from the store (each once while cached). */
  reads = 0;

  constructor(private readonly store: Store, private readonly index: MonthIndex, private readonly maxBytes = DEFAULT_BAR_CACHE_BYTES) {}

  /** The pair's bars of `month` (a month without bars: none). */
  month(pair: string, month: string): Promise<Bars> {
    const key = `${pair}|${month}`;
    let p = this.months.get(key);
    if (p) {
      this.months.delete(key); // most recently used: last
      this.months.set(key, p);
      return p;
    }
    this.reads++;
    p = this.store.readBars(pair, monthStart(month), monthEnd(month)).then((b) => {
      this.bytes += b.ts.length * 8 * BAR_COLUMNS.length;
      this.evict(key);
      return b;
    });
    this.months.set(key, p);
    return p;
  }

  private evict(keep: string): void {
    for (const [key, p] of this.months) {
      if (this.bytes <= this.maxBytes) return;
      if (key === keep) continue;
      this.months.delete(key);
      void p.then((b) => { this.bytes -= b.ts.length * 8 * BAR_COLUMNS.length; });
    }
  }

  /**
   * `pair` for `month` with up to `before` earlier rows and up to `after` later rows, as loadPartitionBars
   * gives them: a view of the month when no other rows are asked for, else one block (always a block of
   * its own with `own`, e.g. to transfer its buffer to a worker).
   */
  async partition(pair: string, month: string, before: number, after: number, own = false): Promise<PartitionBars> {
    const months = (this.index.get(pair) ?? []).map((m) => m.month).sort();
    const earlier = months.filter((m) => m < month), later = months.filter((m) => m > month);
    const inMonth = months.includes(month) ? await this.month(pair, month) : allocBars(0);
    const head: Bars[] = [], tail: Bars[] = [];
    for (let i = earlier.length - 1, n = 0; i >= 0 && n < before; i--) {
      const b = await this.month(pair, earlier[i]!);
      head.unshift(sliceBars(b, Math.max(0, b.ts.length - (before - n)), b.ts.length));
      n += head[0]!.ts.length;
    }
    for (let i = 0, n = 0; i < later.length && n < after; i++) {
      const b = await this.month(pair, later[i]!);
      tail.push(sliceBars(b, 0, Math.min(b.ts.length, after - n)));
      n += tail[tail.length - 1]!.ts.length;
    }
    const first = head.reduce((n, b) => n + b.ts.length, 0);
    const parts = [...head, inMonth, ...tail];
    return { bars: parts.length === 1 && !own ? inMonth : concatBars(parts), first, count: inMonth.ts.length };
  }
}
