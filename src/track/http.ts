// One JSON request with a timeout per attempt and retries with exponential backoff on network errors,
// timeouts, 429 and 5xx. Never throws: tracking must not fail a run. Errors name the host only (a URL
// may carry a secret in its path or query).
export interface RequestOptions {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Outcome {
  readonly ok: boolean;
  readonly status: number | null;
  readonly attempts: number;
  readonly body: unknown;
  readonly error: string | null;
}

export const DEFAULT_REQUEST: RequestOptions = { timeoutMs: 5_000, retries: 3, backoffMs: 500 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const retryable = (status: number) => status === 429 || status >= 500;

export async function sendJson(method: 'POST' | 'PATCH', url: string, payload: unknown, opts: RequestOptions): Promise<Outcome> {
  const host = new URL(url).host;
  let error = '';
  let status: number | null = null;
  for (let attempt = 1; attempt <= opts.retries + 1; attempt++) {
    try {
      const res = await fetch(url, {
        method, body: JSON.stringify(payload), signal: AbortSignal.timeout(opts.timeoutMs),
        headers: { 'content-type': 'application/json', ...opts.headers },
      });
      status = res.status;
      const text = await res.text();
      let body: unknown = text;
      try { body = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text */ }
      if (res.ok) return { ok: true, status, attempts: attempt, body, error: null };
      error = `${method} ${host}: HTTP ${status}`;
      if (!retryable(status)) return { ok: false, status, attempts: attempt, body, error };
    } catch (e) {
      const err = e as Error;
      status = null;
      error = `${method} ${host}: ${err.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : err.message}`;
    }
    if (attempt <= opts.retries) await sleep(opts.backoffMs * 2 ** (attempt - 1));
  }
  return { ok: false, status, attempts: opts.retries + 1, body: null, error: `${error} (after ${opts.retries + 1} attempts)` };
}
