// The lease of a queued partition task: long enough that a live worker finishes before pg-boss expires
// the job (pg-boss 10 has no lease renewal, and a handler past its expiry keeps running), short enough
// that a killed worker's task is retried soon. From the measured task times, not pg-boss's 15 minutes.
import type { ManifestRecord } from '../store/types.ts';

export interface ExpiryPolicy {
  /** Lease = factor × the slowest measured task of the unit. */
  readonly factor: number;
  readonly minSeconds: number;
  /** For a unit with no measured task yet. */
  readonly unmeasuredSeconds: number;
}

export const DEFAULT_EXPIRY: ExpiryPolicy = { factor: 3, minSeconds: 60, unmeasuredSeconds: 900 };

/** The slowest measured task (ms, started → finished) of each unit among done manifests. */
export function slowestTasks(manifests: readonly ManifestRecord[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of manifests) {
    if (m.status !== 'done' || !(m.finishedAt > m.startedAt) || m.startedAt <= 0) continue;
    out.set(m.stage, Math.max(out.get(m.stage) ?? 0, m.finishedAt - m.startedAt));
  }
  return out;
}

/** Whole seconds of lease for a unit whose slowest measured task took `slowestMs` (undefined: none measured). */
export function expirySeconds(slowestMs: number | undefined, policy: ExpiryPolicy = DEFAULT_EXPIRY): number {
  if (slowestMs === undefined) return Math.max(policy.minSeconds, policy.unmeasuredSeconds);
  return Math.max(policy.minSeconds, Math.ceil((policy.factor * slowestMs) / 1000));
}
