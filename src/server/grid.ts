// The pairs × months heatmap of one unit: the state of every partition from the last store snapshot
// (manifests, bar versions), the lake's files and the live run's events, newest wins.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Unit } from '../pipeline/units.ts';
import { lakeDir, partitionPath } from '../pipeline/lake.ts';
import type { ManifestRecord } from '../store/types.ts';
import { partitionKey, type RunView } from './runlog.ts';
import type { Snapshot } from './snapshot.ts';

export type CellState = 'missing' | 'pending' | 'running' | 'done' | 'failed' | 'stale';

export interface Cell {
  readonly pair: string;
  readonly month: string;
  state: CellState;
  ms: number | null;
  rows: number | null;
  attempts: number | null;
  worker: string | null;
  dataVersion: string | null;
  /** Why the state: "code changed", "bars of 2024-07 changed", "lake file only (store busy)" … */
  note: string | null;
  error: string | null;
}

/**
 * Why a done partition is out of date, or null when it is current. Reading chosen: a partition is
 * stale when its unit's code version or the version of any bar month it read differs from now
 * (upstream outputs are recomputed from the same causes, so they are covered transitively).
 */
export function staleness(m: ManifestRecord, unit: Unit, bars: ReadonlyMap<string, string>): string | null {
  if (m.inputVersions.code !== undefined && m.inputVersions.code !== unit.codeVersion) return 'code changed';
  for (const [k, v] of Object.entries(m.inputVersions)) {
    if (!k.startsWith('bars/')) continue;
    const now = bars.get(k.slice('bars/'.length));
    if (now !== undefined && now !== v) return `bars of ${k.split('/')[2]} changed`;
  }
  return null;
}

/** (pair, month) pairs with a lake file of `unit`. */
export function lakeFiles(dataDir: string, unit: string): Set<string> {
  const out = new Set<string>();
  const dir = join(lakeDir(dataDir), unit);
  let pairs: string[];
  try {
    pairs = readdirSync(dir).filter((d) => d.startsWith('pair='));
  } catch {
    return out;
  }
  for (const p of pairs) {
    for (const f of readdirSync(join(dir, p))) {
      const m = /^month=(\d{4}-\d{2})\.parquet$/.exec(f);
      if (m) out.add(`${p.slice(5)}|${m[1]}`);
    }
  }
  return out;
}

export interface Grid {
  readonly unit: string;
  readonly kind: 'pair' | 'month';
  readonly pairs: string[];
  readonly months: string[];
  readonly cells: Cell[];
  readonly counts: Record<CellState, number>;
}

/**
 * `runs`: the run logs, newest first. Runs with events after the snapshot was taken are laid over it
 * (oldest first), so the grid is current while the store cannot be read; the live run's planned
 * partitions show as pending.
 */
export function buildGrid(dataDir: string, unit: Unit, snap: Snapshot | null, runs: readonly RunView[]): Grid {
  const live = runs[0]?.status === 'running' ? runs[0] : undefined;
  const cells = new Map<string, Cell>();
  const cell = (pair: string, month: string) => {
    const k = `${pair}|${month}`;
    let c = cells.get(k);
    if (!c) cells.set(k, c = { pair, month, state: 'missing', ms: null, rows: null, attempts: null, worker: null, dataVersion: null, note: null, error: null });
    return c;
  };
  const bars = new Map((snap?.barMonths ?? []).map((b) => [`${b.pair}/${b.month}`, b.version]));
  // Every partition the bars call for starts missing.
  for (const b of snap?.barMonths ?? []) cell(unit.kind === 'pair' ? b.pair : '*', b.month);
  const lake = lakeFiles(dataDir, unit.name);
  if (!snap) {
    for (const k of lake) {
      const [pair, month] = k.split('|') as [string, string];
      Object.assign(cell(unit.kind === 'pair' ? pair : '*', month), { state: 'done', note: 'lake file (store not readable)' });
    }
  }
  for (const m of snap?.manifests ?? []) {
    if (m.stage !== unit.name) continue;
    const c = cell(m.pair, m.month);
    Object.assign(c, { attempts: m.attempts, worker: m.worker || null, dataVersion: m.dataVersion, error: m.error || null });
    if (m.status === 'done') {
      Object.assign(c, { ms: m.finishedAt - m.startedAt, rows: m.rows });
      const why = staleness(m, unit, bars);
      const file = unit.kind === 'pair' ? m.pair : null;
      if (why) Object.assign(c, { state: 'stale', note: why });
      else if (file && !lake.has(`${file}|${m.month}`)) Object.assign(c, { state: 'stale', note: 'lake file missing' });
      else c.state = 'done';
    } else if (m.status === 'running' && !live) {
      Object.assign(c, { state: 'pending', note: 'was running when its run ended' });
    } else c.state = m.status;
  }
  const since = snap?.takenAt ?? -Infinity;
  for (const run of runs.filter((r) => r === live || r.lastEventAt >= since).reverse()) overlayRun(unit, run, run === live, cell, cells);
  const pairs = [...new Set([...cells.values()].map((c) => c.pair))].sort();
  const months = [...new Set([...cells.values()].map((c) => c.month))].sort();
  const list = [...cells.values()].sort((a, b) => (a.pair === b.pair ? (a.month < b.month ? -1 : 1) : a.pair < b.pair ? -1 : 1));
  const counts = { missing: 0, pending: 0, running: 0, done: 0, failed: 0, stale: 0 };
  for (const c of list) counts[c.state]++;
  return { unit: unit.name, kind: unit.kind, pairs, months, cells: list, counts };
}

/** A run's events win over the snapshot; when it is live, partitions it will still compute show as pending. */
function overlayRun(unit: Unit, run: RunView, live: boolean, cell: (p: string, m: string) => Cell, cells: Map<string, Cell>): void {
  const planned = run.units.find((u) => u.unit === unit.name);
  if (live && planned && planned.todo > 0) {
    for (const c of cells.values()) if (c.state !== 'done') Object.assign(c, { state: 'pending', note: `planned by run ${run.id}` });
  }
  for (const p of run.partitions.values()) {
    if (p.unit !== unit.name) continue;
    const c = cell(p.pair, p.month);
    c.state = p.state;
    c.attempts = p.attempts || c.attempts;
    if (p.state === 'done') Object.assign(c, { ms: p.ms, rows: p.rows, note: `run ${run.id}`, error: null });
    if (p.state === 'failed') c.error = p.error;
  }
}

export interface PartitionDetail {
  readonly unit: string;
  readonly pair: string;
  readonly month: string;
  readonly manifest: ManifestRecord | null;
  readonly lakeFile: { path: string; bytes: number; modifiedAt: number } | null;
  /** From the run logs, newest run first: state, timings and log lines of this partition. */
  readonly runs: { runId: string; state: string; attempts: number; rows: number | null; ms: number | null; startedAt: number | null; finishedAt: number | null; error: string | null; lines: unknown[] }[];
}

export function partitionDetail(dataDir: string, unit: Unit, pair: string, month: string, snap: Snapshot | null, runs: RunView[]): PartitionDetail {
  const manifest = snap?.manifests.find((m) => m.stage === unit.name && m.pair === pair && m.month === month) ?? null;
  let lakeFile = null;
  if (pair !== '*') {
    const path = partitionPath(dataDir, unit.name, pair, month);
    try {
      const s = statSync(path);
      lakeFile = { path: join('lake', unit.name, `pair=${pair}`, `month=${month}.parquet`), bytes: s.size, modifiedAt: s.mtimeMs };
    } catch { /* no file */ }
  }
  const key = partitionKey(unit.name, pair, month);
  const fromRuns = runs.flatMap((r) => {
    const p = r.partitions.get(key);
    return p ? [{ runId: r.id, state: p.state, attempts: p.attempts, rows: p.rows, ms: p.ms, startedAt: p.startedAt, finishedAt: p.finishedAt, error: p.error, lines: p.lines.map((l) => JSON.parse(l) as unknown) }] : [];
  });
  return { unit: unit.name, pair, month, manifest, lakeFile, runs: fromRuns };
}
