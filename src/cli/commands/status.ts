// bqx status: what is loaded (pairs, ranges, bars, missing minutes, weekends) and the stages' partitions.
import { isoMinute } from '../../core/time.ts';
import type { Store } from '../../store/types.ts';
import { listWorkers } from '../../distributed/heartbeat.ts';
import { bool, type CommandSpec } from '../args.ts';
import { configFrom, storeLocation, withStore } from '../context.ts';
import { fmtDuration, plural, printJson, table } from '../output.ts';

export async function statusOf(store: Store) {
  const pairs = await store.summary();
  const manifests = await store.getManifests();
  const stages = new Map<string, { done: number; failed: number; pending: number; running: number; rows: number; ms: number }>();
  for (const m of manifests) {
    const s = stages.get(m.stage) ?? { done: 0, failed: 0, pending: 0, running: 0, rows: 0, ms: 0 };
    s[m.status]++;
    if (m.status === 'done') { s.rows += m.rows; s.ms += m.finishedAt - m.startedAt; }
    stages.set(m.stage, s);
  }
  const runs = await store.getRuns(5);
  return { pairs, stages: [...stages].map(([stage, s]) => ({ stage, ...s })), runs };
}

export const status: CommandSpec = {
  name: 'status',
  summary: 'Show what is loaded (pairs, time ranges, bar counts, missing in-week minutes, weekend gaps) and the state of the stage partitions and recent runs.',
  options: {},
  async run(args) {
    const cfg = configFrom(args);
    // With PostgreSQL: also the workers of distributed runs (bqx.workers heartbeats).
    const s = await withStore(cfg, async (store) => ({
      ...(await statusOf(store)), workers: cfg.databaseUrl === '' ? [] : await listWorkers((sql) => store.query(sql)),
    }));
    if (bool(args, 'json')) {
      printJson(s);
      return 0;
    }
    if (s.pairs.length === 0) {
      console.log(`no bars loaded in ${storeLocation(cfg)} (bqx ingest PATH… or bqx generate)`);
      return 0;
    }
    console.log(table(['pair', 'bars', 'first (UTC)', 'last (UTC)', 'missing min', 'weekends', 'sources'],
      s.pairs.map((p) => [p.pair, p.bars, isoMinute(p.first), isoMinute(p.last), p.missingMinutes, p.weekendGaps, p.sources.map((s) => s.split('/').pop()).join(', ')])));
    const bars = s.pairs.reduce((n, p) => n + p.bars, 0);
    console.log(`${plural(s.pairs.length, 'pair')}, ${plural(bars, 'bar')}`);
    if (s.stages.length) {
      console.log('\n' + table(['stage', 'done', 'failed', 'pending', 'running', 'rows', 'compute time'],
        s.stages.map((x) => [x.stage, x.done, x.failed, x.pending, x.running, x.rows, fmtDuration(x.ms)])));
    }
    if (s.runs.length) {
      console.log('\n' + table(['run', 'status', 'started', 'took'],
        s.runs.map((r) => [r.id, r.status, new Date(r.startedAt).toISOString().slice(0, 19), r.finishedAt ? fmtDuration(r.finishedAt - r.startedAt) : '-'])));
    }
    if (s.workers.length) {
      const now = Date.now();
      console.log('\n' + table(['worker', 'state', 'partition', 'computed', 'last heartbeat'],
        s.workers.map((w) => [w.id, w.state, w.partition || '-', w.done, `${fmtDuration(Math.max(0, now - w.heartbeatAt))} ago`])));
    }
    return 0;
  },
};
