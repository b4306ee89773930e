// Ingest: readers of HistData, Dukascopy, generic CSV and Parquet bar files, and the driver that loads
// them into a store under the bad-input policy.
export { ingestPaths, type ProgressFn } from './ingest.ts';
export { readHistData, HISTDATA_TZ } from './histdata.ts';
export { readDukascopy } from './dukascopy.ts';
export { readCsv } from './csv.ts';
export { readParquetFile } from './parquet.ts';
export { detectFormat, type FileFormat } from './detect.ts';
export { pairFromName } from './pairs.ts';
export { ZoneClock } from './timezone.ts';
export { OUTLIER_GAP_MS, YEARS } from './sink.ts';
export { MAX_UNZIPPED_BYTES } from './zip.ts';
export * from './types.ts';
