// Parquet files written in memory for ingest tests (apache-arrow → parquet-wasm), column by column.
import { Table, tableToIPC, vectorFromArray, type DataType } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';

/** A Parquet file of the given columns: values with an Arrow type, or plain numbers / strings (inferred). */
export function parquetBytes(columns: Record<string, { values: unknown[]; type?: DataType }>): Uint8Array {
  const vectors = Object.fromEntries(Object.entries(columns).map(([k, c]) => [k, c.type ? vectorFromArray(c.values, c.type) : vectorFromArray(c.values as number[])]));
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(new Table(vectors), 'stream')));
}
