// Slot mappings of the cross families (FEATURES.md §0 "Slots"): which third currency fills triangle slot
// k (arb: tri_resid_k, tri_z_k) and which pair fills sister slot k (sister: sis{k}_*), per pair.
import { pairInfo, sisters, trianglesOf } from '../../core/currencies.ts';

export interface Slot {
  /** Slot key, the prefix of its features: 'tri_1' … 'tri_6', 'sis1' … 'sis5'. */
  readonly slot: string;
  /** The third currency (triangles) or the sister pair. */
  readonly fills: string;
  /** Triangles: the two legs A/C and C/B as traded (sign −1 = inverted); sisters: the orientation. */
  readonly detail: string;
}

/** The slot mapping of `pair` for the catalog. */
export function slotMap(pair: string): Slot[] {
  const p = pairInfo(pair).name;
  const sign = (s: number) => (s > 0 ? '' : '1/');
  return [
    ...trianglesOf(p).map((t, i) => ({
      slot: `tri_${i + 1}`, fills: t.third,
      detail: `${p} vs ${sign(t.viaA.sign)}${t.viaA.pair.name} × ${sign(t.viaB.sign)}${t.viaB.pair.name}`,
    })),
    ...sisters(p).map((s, i) => ({ slot: `sis${i + 1}`, fills: s.pair.name, detail: `orientation ${s.orientation > 0 ? '+1' : '−1'}` })),
  ];
}
