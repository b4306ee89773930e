// The idx domain's baseline per pair (FEATURES.md §0): the close of the first bar at or after the
// baseline time; if the data has none, the first bar of the data. A property of the pair's whole
// data set, never of a partition.
import type { Store } from '../store/types.ts';

export async function baselines(store: Store, pairs: readonly string[], baselineTs: number): Promise<Map<string, number>> {
  const summary = new Map((await store.summary()).map((s) => [s.pair, s]));
  const out = new Map<string, number>();
  for (const pair of pairs) {
    const s = summary.get(pair);
    if (!s) continue;
    const from = s.last >= baselineTs ? Math.max(baselineTs, s.first) : s.first;
    const bars = await store.readBars(pair, from, s.last + 1);
    out.set(pair, bars.close[0]!);
  }
  return out;
}
