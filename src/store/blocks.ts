// Moves bars between Float64Array columns and DuckDB a whole vector (2,048 values) at a time: one
// memory copy per column and chunk instead of one call per value. The copies go through
// @duckdb/node-bindings (the C API under @duckdb/node-api, installed with it at the same version):
// node-api's vectors expose values one by one, which made a month's read 3–5× slower.
import { DOUBLE, DuckDBDataChunk, DuckDBTypeId, DuckDBVector, type DuckDBConnection } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { allocBars, BAR_COLUMNS, type Bars } from '../core/types.ts';

/** The column list of a staging table that appendBars fills (ts as epoch ms). */
export const STAGE_COLUMNS_SQL = BAR_COLUMNS.map((c) => `${c} DOUBLE NOT NULL`).join(', ');

/** Appends `bars` to the temporary table `table` (columns STAGE_COLUMNS_SQL). */
export async function appendBars(conn: DuckDBConnection, table: string, bars: Bars): Promise<void> {
  const n = bars.ts.length;
  if (n === 0) return;
  const appender = await conn.createAppender(table, 'main', 'temp');
  try {
    const chunk = DuckDBDataChunk.create(BAR_COLUMNS.map(() => DOUBLE));
    const size = DuckDBVector.standardSize();
    for (let at = 0; at < n; at += size) {
      const rows = Math.min(size, n - at);
      chunk.rowCount = rows;
      BAR_COLUMNS.forEach((c, k) => {
        const col = bars[c];
        const vector = duckdb.data_chunk_get_vector(chunk.chunk, k);
        duckdb.copy_data_to_vector(vector, 0, col.buffer as ArrayBuffer, col.byteOffset + at * 8, rows * 8);
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Runs `sql`, whose result columns must be the six BAR_COLUMNS as non-null DOUBLEs, and returns its
 * rows as one contiguous block (allocBars).
 */
export async function readBarsBlock(conn: DuckDBConnection, sql: string): Promise<Bars> {
  const result = await conn.run(sql);
  const types = result.columnTypes().map((t) => t.typeId);
  if (types.length !== BAR_COLUMNS.length || types.some((t) => t !== DuckDBTypeId.DOUBLE)) {
    throw new Error(`a bars query must return ${BAR_COLUMNS.length} DOUBLE columns, got ${result.columnTypes().join(', ')}`);
  }
  const out = allocBars(result.rowCount);
  let at = 0;
  for (let i = 0; i < result.chunkCount; i++) {
    const chunk = result.getChunk(i);
    const rows = chunk.rowCount;
    BAR_COLUMNS.forEach((c, k) => {
      const bytes = duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, k), rows * 8);
      out[c].set(new Float64Array(bytes.buffer, bytes.byteOffset, rows), at);
    });
    at += rows;
  }
  return out;
}
