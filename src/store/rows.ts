// Store rows → records, shared by the DuckDB and PostgreSQL stores: both tables carry the same column
// names; only JSON columns differ (DuckDB returns text, PostgreSQL's jsonb arrives parsed).
import type { ManifestRecord, StageRecord } from './types.ts';

type Row = Record<string, unknown>;
/** How a store's JSON column value becomes an object. */
export type JsonColumn = (v: unknown) => Record<string, unknown>;

export function manifestFromRow(r: Row, json: JsonColumn): ManifestRecord {
  return {
    stage: r.stage as string, pair: r.pair as string, month: r.month as string,
    status: r.status as ManifestRecord['status'], codeVersion: r.code_version as string,
    inputVersions: json(r.input_versions) as Record<string, string>, dataVersion: r.data_version as string,
    rows: r.row_count as number, bytes: r.byte_count as number, checksum: r.checksum as string, path: r.path as string,
    startedAt: r.started_at as number, finishedAt: r.finished_at as number, attempts: r.attempts as number,
    worker: r.worker as string, error: r.error as string, extra: json(r.extra),
  };
}

export function stageRecordFromRow(r: Row): StageRecord {
  return {
    runId: r.run_id as string, stage: r.stage as string, partitions: r.partitions as number, computed: r.computed as number,
    skipped: r.skipped as number, failed: r.failed as number, pending: r.pending as number, pairMonths: r.pair_months as number,
    rows: r.row_count as number, bytes: r.byte_count as number, workers: r.workers as number, wallMs: r.wall_ms as number,
    computeMs: r.compute_ms as number, writeMs: r.write_ms as number, startedAt: r.started_at as number, finishedAt: r.finished_at as number,
  };
}
