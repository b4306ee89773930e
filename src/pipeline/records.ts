// Run records: the machine a run ran on, the bqx version, and one StageRecord per stage unit (what the
// plan's throughput figures are measured from).
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import type { StageRecord } from '../store/types.ts';
import type { UnitSummary } from './run.ts';

export interface MachineInfo {
  readonly cores: number; // logical CPUs available to this process
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly platform: string;
  readonly node: string;
}

export function machineInfo(): MachineInfo {
  return {
    cores: availableParallelism(), cpuModel: cpus()[0]?.model.trim() ?? 'unknown', memoryBytes: totalmem(),
    platform: `${process.platform}-${process.arch}`, node: process.version,
  };
}

let version: string | null = null;

/** The version in bqx's package.json. */
export function bqxVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}

export function stageRecord(runId: string, s: UnitSummary, workers: number): StageRecord {
  return {
    runId, stage: s.unit, partitions: s.total, computed: s.done, skipped: s.skipped, failed: s.failed, pending: s.pending,
    pairMonths: s.pairMonths, rows: s.rows, bytes: s.bytes, workers, wallMs: s.wallMs, computeMs: s.computeMs, writeMs: s.writeMs,
    startedAt: s.startedAt, finishedAt: s.startedAt + s.wallMs,
  };
}
