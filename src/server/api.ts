// The dashboard's read-only JSON API.
import type { FastifyInstance } from 'fastify';
import { PAIR_NAMES } from '../core/currencies.ts';
import { monthEnd, monthStart } from '../core/time.ts';
import { CHECK_IDS } from '../validate/types.ts';
import { bucketArrays } from './chart.ts';
import { BUSY } from './snapshot.ts';
import { buildGrid, lakeFiles, partitionDetail } from './grid.ts';
import { HttpError, Query } from './params.ts';
import { filterReport } from './reports.ts';
import { summariseRecord, summariseRun, type DashboardState, type RunSummary } from './state.ts';

const MAX_WIDTH = 4000;

async function runList(s: DashboardState, limit: number): Promise<{ runs: RunSummary[]; live: string | null; store: string | null }> {
  s.logs.poll();
  const { snapshot, unavailable } = await s.snapshot();
  const records = new Map((snapshot?.runs ?? []).map((r) => [r.id, r]));
  const now = Date.now();
  const runs = s.logs.runs().map((r) => summariseRun(r, records.get(r.id), now));
  const logged = new Set(runs.map((r) => r.id));
  for (const rec of records.values()) if (!logged.has(rec.id)) runs.push(summariseRecord(rec));
  runs.sort((a, b) => b.startedAt - a.startedAt);
  return { runs: runs.slice(0, limit), live: s.logs.live()?.id ?? null, store: unavailable };
}

export function registerApi(app: FastifyInstance, s: DashboardState): void {
  const unitNames = s.units.map((u) => u.name);

  app.get('/api/health', async (req) => {
    new Query(req.query, []);
    return { ok: true, live: s.logs.live()?.id ?? null };
  });

  app.get('/api/runs', async (req) => {
    const q = new Query(req.query, ['limit']);
    return runList(s, q.int('limit', 1, 10_000) ?? 200);
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id', async (req) => {
    new Query(req.query, []);
    s.logs.poll();
    const run = s.logs.get(req.params.id);
    const rec = (await s.snapshot()).snapshot?.runs.find((r) => r.id === req.params.id);
    if (!run && !rec) throw new HttpError(404, `no run ${JSON.stringify(req.params.id)}`);
    return run ? { ...summariseRun(run, rec, Date.now()), summary: rec?.summary ?? null } : { ...summariseRecord(rec!), summary: rec!.summary };
  });

  app.get('/api/units', async (req) => {
    new Query(req.query, []);
    return { units: s.units.map((u) => ({ name: u.name, stage: u.stage, kind: u.kind, columns: u.columns.length, warmup: u.warmup })) };
  });

  app.get('/api/heatmap', async (req) => {
    const q = new Query(req.query, ['unit']);
    const unit = s.unit(q.oneOf('unit', unitNames) ?? unitNames[0]!)!;
    s.logs.poll();
    const { snapshot, unavailable } = await s.snapshot();
    const grid = buildGrid(s.dataDir, unit, snapshot, s.logs.runs());
    return { ...grid, live: s.logs.live()?.id ?? null, snapshotAt: snapshot?.takenAt ?? null, store: unavailable };
  });

  app.get('/api/partition', async (req) => {
    const q = new Query(req.query, ['unit', 'pair', 'month']);
    const unit = s.unit(q.oneOf('unit', unitNames) ?? q.required('unit'))!;
    const pair = q.oneOf('pair', unit.kind === 'month' ? ['*'] : PAIR_NAMES) ?? q.required('pair');
    const month = q.required('month');
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new HttpError(400, `month: expected YYYY-MM, got ${JSON.stringify(month)}`);
    s.logs.poll();
    const { snapshot, unavailable } = await s.snapshot();
    return { ...partitionDetail(s.dataDir, unit, pair, month, snapshot, s.logs.runs()), store: unavailable };
  });

  app.get('/api/validation', async (req) => {
    const q = new Query(req.query, ['run', 'check', 'family', 'pair']);
    const filter = {
      check: q.oneOf('check', CHECK_IDS), family: q.oneOf('family', s.reg.families.map((f) => f.name)), pair: q.oneOf('pair', [...PAIR_NAMES, '*']),
    };
    const run = q.str('run');
    const report = s.reports.read(run);
    if (!report) {
      if (run !== undefined) throw new HttpError(404, `no validation report for run ${JSON.stringify(run)}`);
      return { report: null, reports: [] };
    }
    return { report: filterReport(report, s.reg, filter), reports: s.reports.list().map((r) => ({ runId: r.runId, modifiedAt: r.mtime })) };
  });

  app.get('/api/catalog', async (req) => {
    const q = new Query(req.query, ['q', 'family', 'stage', 'domain', 'role']);
    const family = q.oneOf('family', s.reg.families.map((f) => f.name));
    const stage = q.oneOf('stage', [...new Set(s.reg.all.map((f) => f.stage))]);
    const domain = q.oneOf('domain', [...new Set(s.reg.all.map((f) => f.domain))]);
    const role = q.oneOf('role', ['feature', 'target']);
    const text = q.str('q')?.toLowerCase();
    const columns = s.reg.all.filter((f) => (!family || f.family === family) && (!stage || f.stage === stage) && (!domain || f.domain === domain)
      && (!role || f.role === role) && (!text || f.name.toLowerCase().includes(text) || f.description.toLowerCase().includes(text)))
      .map((f) => ({ ...f, unit: s.unitOfColumn(f.name)?.name ?? null, implemented: s.isImplemented(f.name) }));
    return { total: s.reg.all.length, count: columns.length, families: s.reg.families.map((f) => f.name), columns };
  });

  app.get('/api/chart', async (req) => {
    const t0 = performance.now();
    const q = new Query(req.query, ['pair', 'feature', 'from', 'to', 'width']);
    const pair = q.oneOf('pair', PAIR_NAMES) ?? q.required('pair');
    const feature = q.required('feature');
    if (!s.reg.byName.has(feature)) throw new HttpError(400, `feature: no column named ${JSON.stringify(feature)} in the catalog`);
    const unit = s.unitOfColumn(feature);
    if (!unit) throw new HttpError(400, `feature: ${feature} is not implemented yet, so no stage computes it`);
    const width = q.int('width', 10, MAX_WIDTH) ?? 1000;
    let from = q.time('from');
    let to = q.time('to');
    if (from === undefined || to === undefined) {
      // Default: every month of this pair the lake holds for the unit.
      const months = [...lakeFiles(s.dataDir, unit.name)].filter((k) => k.startsWith(`${pair}|`)).map((k) => k.slice(7)).sort();
      if (months.length === 0) throw new HttpError(404, `no ${unit.name} output for ${pair} in the lake yet`);
      from ??= monthStart(months[0]!);
      to ??= monthEnd(months.at(-1)!);
    }
    if (!(to > from)) throw new HttpError(400, `to must be after from`);
    const spec = { from, to, width };
    const values = await s.lake.feature(unit.name, pair, feature, spec);
    const t1 = performance.now();
    const closes = await s.snapshots.closes(pair, !s.logs.live());
    const price = closes ? bucketArrays(closes.ts, closes.close, spec) : null;
    const t2 = performance.now();
    return {
      pair, feature, unit: unit.name, from, to, width, values, price,
      priceNote: price ? null : `price not read yet: ${BUSY}`,
      serverMs: t2 - t0, featureMs: t1 - t0, priceMs: t2 - t1,
    };
  });
}
