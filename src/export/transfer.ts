// Puts one object with retries: the store's client retries single requests; this retries the whole
// put (a multipart upload that failed and was aborted, a read-back that did not match) with
// exponential backoff and jitter.
import type { ObjectStore } from '../io/objectstore/index.ts';

export interface RetryPolicy {
  /** Attempts of a whole put, the first included. */
  readonly attempts: number;
  /** First backoff; doubled per attempt, capped at 30 s, with ±50 % jitter. */
  readonly baseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500 };

export async function putWithRetries(store: ObjectStore, key: string, source: string | Uint8Array, expect: { size: number; sha256: string },
  policy: RetryPolicy, onRetry: (attempt: number, error: Error) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await store.put(key, source, expect);
      return;
    } catch (e) {
      if (attempt >= policy.attempts) throw new Error(`${key}: upload failed after ${attempt} attempts: ${(e as Error).message}`);
      onRetry(attempt, e as Error);
      const wait = Math.min(30_000, policy.baseMs * 2 ** (attempt - 1)) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** Whether `key` already holds exactly these bytes (the recorded checksum, or the object read back). */
export async function holds(store: ObjectStore, key: string, expect: { size: number; sha256: string }): Promise<boolean> {
  const h = await store.head(key);
  if (!h || h.size !== expect.size) return false;
  return (h.sha256 ?? (await store.digest(key))?.sha256) === expect.sha256;
}
