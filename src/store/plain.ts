// Converts DuckDB result values to plain JSON-friendly JS values for query(): integers to numbers
// (to strings when beyond ±2^53, so that nothing is silently rounded), timestamps and dates to epoch
// ms, everything else as node-api's JS converter does (lists to arrays, structs to objects …).
import {
  DuckDBDateValue, DuckDBTimestampMillisecondsValue, DuckDBTimestampNanosecondsValue, DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue, DuckDBTimestampValue, DuckDBTypeId, DOUBLE, JSDuckDBValueConverter, VARCHAR,
  type DuckDBConnection, type DuckDBType, type DuckDBValueConverter, type JS,
} from '@duckdb/node-api';
import { DAY_MS } from '../core/time.ts';

export type Plain = null | boolean | number | string | Uint8Array | readonly Plain[] | { readonly [k: string]: Plain };

function epochMs(value: unknown, typeId: DuckDBTypeId): number | undefined {
  switch (typeId) {
    case DuckDBTypeId.TIMESTAMP: return Number((value as DuckDBTimestampValue).micros) / 1000;
    case DuckDBTypeId.TIMESTAMP_TZ: return Number((value as DuckDBTimestampTZValue).micros) / 1000;
    case DuckDBTypeId.TIMESTAMP_MS: return Number((value as DuckDBTimestampMillisecondsValue).millis);
    case DuckDBTypeId.TIMESTAMP_S: return Number((value as DuckDBTimestampSecondsValue).seconds) * 1000;
    case DuckDBTypeId.TIMESTAMP_NS: return Number((value as DuckDBTimestampNanosecondsValue).nanos) / 1e6;
    case DuckDBTypeId.DATE: return (value as DuckDBDateValue).days * DAY_MS;
    default: return undefined;
  }
}

export const plainConverter: DuckDBValueConverter<Plain> = (value, type, converter) => {
  if (value === null) return null;
  const ms = epochMs(value, type.typeId);
  if (ms !== undefined) return ms;
  const v: JS = JSDuckDBValueConverter(value, type, converter as unknown as DuckDBValueConverter<JS>);
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.getTime();
  return v as Plain;
};

/** Runs `sql` (with optional positional parameters) and returns its rows as plain objects. */
export async function queryPlain(
  conn: DuckDBConnection, sql: string, params?: readonly (string | number | null)[],
): Promise<Record<string, Plain>[]> {
  const reader = params ? await conn.runAndReadAll(sql, [...params], paramTypes(params)) : await conn.runAndReadAll(sql);
  return reader.convertRowObjects(plainConverter);
}

/** Explicit parameter types: strings as VARCHAR, numbers (and nulls) as DOUBLE. */
function paramTypes(params: readonly (string | number | null)[]): DuckDBType[] {
  return params.map((p) => (typeof p === 'string' ? VARCHAR : DOUBLE));
}
