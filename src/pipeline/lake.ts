// The local Parquet lake of stage outputs: <dataDir>/lake/<unit>/pair=<PAIR>/month=<YYYY-MM>.parquet.
import { join } from 'node:path';

export function lakeDir(dataDir: string): string {
  return join(dataDir, 'lake');
}

export function partitionPath(dataDir: string, unit: string, pair: string, month: string): string {
  return join(lakeDir(dataDir), unit, `pair=${pair}`, `month=${month}.parquet`);
}
