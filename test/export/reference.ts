// The export's writer before parquet-wasm (src/export/write.ts at 570cd7b), frozen as an oracle: DuckDB
// joining the units' lake files positionally, stacking the pairs in (pair, ts) order, COPY to Parquet.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { FileSpec } from '../../src/export/layout.ts';
import type { Compression } from '../../src/export/write.ts';

export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
export const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

export async function duckDbCopy(con: DuckDBConnection, spec: FileSpec, path: string, opts: { float32: boolean; compression: Compression }): Promise<void> {
  const used = [...new Set(spec.columns.map((c) => c.unit))].sort((a, b) => a - b);
  const cast = opts.float32 ? '::FLOAT' : '';
  const selects = spec.sources.map((src) => {
    const from = used.map((u) => `read_parquet(${sqlString(src.files[u]!.path)}, hive_partitioning = false) u${u}`).join(' POSITIONAL JOIN ');
    return `SELECT u${used[0]}.ts, ${sqlString(src.pair)} AS pair, ${spec.columns.map((c) => `u${c.unit}.${ident(c.name)}${cast} AS ${ident(c.name)}`).join(', ')} FROM ${from}`;
  });
  await con.run(`COPY (${selects.join(' UNION ALL ')}${selects.length > 1 ? ' ORDER BY pair, ts' : ''}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION ${opts.compression}, DICTIONARY_SIZE_LIMIT 1)`);
}

/** Rows of a Parquet file that differ from another's, compared in file order, every value by its bits (NaN = NaN, −0 ≠ +0). */
export async function rowsDiffering(con: DuckDBConnection, a: string, b: string, columns: readonly string[]): Promise<number> {
  const bits = (c: string) => (c === 'ts' || c === 'pair' ? ident(c)
    : `CASE WHEN isnan(${ident(c)}) THEN 'nan' ELSE ${ident(c)}::VARCHAR || CASE WHEN ${ident(c)} = 0 AND 1 / ${ident(c)} < 0 THEN '-' ELSE '' END END`);
  const numbered = (p: string) => `(SELECT file_row_number, ${columns.map((c) => `${bits(c)} AS ${ident(c)}`).join(', ')} FROM read_parquet(${sqlString(p)}, file_row_number = true))`;
  const r = await con.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM (SELECT * FROM ${numbered(a)} EXCEPT ALL SELECT * FROM ${numbered(b)})`);
  return Number(r.getRowObjects()[0]!.n);
}

/** DuckDB's view of a file's schema: [name, type] per column. */
export async function describe(con: DuckDBConnection, path: string): Promise<[string, string][]> {
  return (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`)).getRowObjects().map((r) => [String(r.column_name), String(r.column_type)]);
}
