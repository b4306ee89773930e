// The dashboard's access rule: a token, when one is set, on every request and on the event stream.
// Accepted from `Authorization: Bearer T`, the `bqx_token` cookie (set when a page is opened with
// ?token=T, so the browser's EventSource carries it) or the `token` query parameter.
import { createHash, timingSafeEqual } from 'node:crypto';

export const TOKEN_COOKIE = 'bqx_token';

/** Hosts that only this machine can reach: no token needed there. */
export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Constant-time comparison: both sides hashed to 32 bytes first, so lengths leak nothing either. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export interface Presented {
  readonly bearer?: string;
  readonly cookie?: string;
  readonly query?: string;
}

/** Which credential the request presented (the first found), or undefined. */
export function presentedToken(headers: { authorization?: string; cookie?: string }, query: unknown): Presented {
  const auth = headers.authorization;
  const q = (query as Record<string, unknown> | null)?.token;
  return {
    bearer: auth?.startsWith('Bearer ') ? auth.slice(7) : undefined,
    cookie: cookieValue(headers.cookie, TOKEN_COOKIE),
    query: typeof q === 'string' ? q : undefined,
  };
}

export function authorized(p: Presented, expected: string): boolean {
  // Every presented credential is compared (no early exit on the first), and any match admits.
  const results = [p.bearer, p.cookie, p.query].map((t) => tokenMatches(t, expected));
  return results.some(Boolean);
}
