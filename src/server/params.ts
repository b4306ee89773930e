// Query parameters of the API, checked strictly: an unknown parameter or a bad value is a 400 whose
// message names it.
import { isMonthKey, monthStart } from '../core/time.ts';

export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

export class Query {
  private readonly q: Record<string, unknown>;

  constructor(query: unknown, allowed: readonly string[]) {
    this.q = (query ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(this.q)) {
      if (k !== 'token' && !allowed.includes(k)) throw new HttpError(400, `unknown parameter "${k}" (allowed: ${allowed.join(', ') || 'none'})`);
    }
  }

  str(k: string): string | undefined {
    const v = this.q[k];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new HttpError(400, `${k}: given more than once`);
    return v;
  }

  required(k: string): string {
    const v = this.str(k);
    if (v === undefined) throw new HttpError(400, `${k}: required`);
    return v;
  }

  oneOf(k: string, allowed: readonly string[]): string | undefined {
    const v = this.str(k);
    if (v !== undefined && !allowed.includes(v)) {
      const shown = allowed.length > 12 ? `${allowed.slice(0, 12).join(', ')} …` : allowed.join(', ');
      throw new HttpError(400, `${k}: unknown value ${JSON.stringify(v)} (expected one of ${shown})`);
    }
    return v;
  }

  int(k: string, min: number, max: number): number | undefined {
    const v = this.str(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new HttpError(400, `${k}: expected an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    return n;
  }

  /** An instant: YYYY-MM (the month's start), an ISO date/time (UTC unless it has an offset) or epoch ms. */
  time(k: string): number | undefined {
    const v = this.str(k);
    if (v === undefined) return undefined;
    let ms: number;
    if (/^\d{4}-\d{2}$/.test(v)) ms = isMonthKey(v) ? monthStart(v) : NaN;
    else if (/^-?\d+$/.test(v)) ms = Number(v);
    else if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(v)) ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(v) || v.length === 10 ? v : `${v}Z`);
    else ms = NaN;
    if (!Number.isFinite(ms)) throw new HttpError(400, `${k}: expected YYYY-MM, an ISO date/time or epoch ms, got ${JSON.stringify(v)}`);
    return ms;
  }
}
