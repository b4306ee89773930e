// --track airtable:BASE/TABLE: one AirTable record per stage, created when the run plans it and updated
// as it starts and finishes, with the fields the seed's team kept by hand (Stage, Status, Estimated
// cost, Actual cost, Started, Finished, Notes). AirTable's records API: POST / PATCH
// {base URL}/v0/BASE/TABLE with {"records": [...]} (at most 10 per request), the token as a bearer
// header. Costs are the stage's hours at the named plan's machine rate (empty without a plan).
import { JobQueue, type TrackEvent, type TrackSink } from './events.ts';
import { DEFAULT_REQUEST, sendJson, type RequestOptions } from './http.ts';

export const AIRTABLE_URL = 'https://api.airtable.com';

export interface AirtableTarget { readonly base: string; readonly table: string }

/** 'airtable:BASE/TABLE' → its base and table. */
export function parseAirtableTarget(spec: string): AirtableTarget {
  const m = /^airtable:([A-Za-z0-9]+)\/([^/]+)$/.exec(spec);
  if (!m) throw new Error(`--track: expected airtable:BASE/TABLE, got ${JSON.stringify(spec)}`);
  return { base: m[1]!, table: m[2]! };
}

export interface StageCosts {
  /** USD per hour of the planned machines, or null without a plan. */
  readonly hourly: number | null;
  /** Estimated hours per stage from the plan. */
  readonly estimatedHours: ReadonlyMap<string, number>;
}

type Fields = Record<string, string | number>;

const money = (x: number) => Math.round(x * 100) / 100;

export function airtableSink(target: AirtableTarget, token: string, costs: StageCosts, warn: (message: string) => void,
  opts: { baseUrl?: string; request?: RequestOptions } = {}): TrackSink {
  const url = `${(opts.baseUrl ?? AIRTABLE_URL).replace(/\/$/, '')}/v0/${encodeURIComponent(target.base)}/${encodeURIComponent(target.table)}`;
  const request = { ...(opts.request ?? DEFAULT_REQUEST), headers: { authorization: `Bearer ${token}` } };
  const queue = new JobQueue();
  const ids = new Map<string, string>(); // stage → AirTable record id
  const open = new Set<string>(); // stages created and not finished

  const estimated = (stage: string): Fields => {
    const h = costs.estimatedHours.get(stage);
    return h !== undefined && costs.hourly !== null ? { 'Estimated cost': money(h * costs.hourly) } : {};
  };

  async function create(stages: { stage: string; fields: Fields }[]): Promise<void> {
    for (let i = 0; i < stages.length; i += 10) {
      const batch = stages.slice(i, i + 10);
      const r = await sendJson('POST', url, { records: batch.map((s) => ({ fields: { Stage: s.stage, ...estimated(s.stage), ...s.fields } })), typecast: true }, request);
      if (!r.ok) { warn(`airtable create: ${r.error}`); continue; }
      const records = (r.body as { records?: { id: string }[] } | null)?.records ?? [];
      batch.forEach((s, k) => { if (records[k]) { ids.set(s.stage, records[k].id); open.add(s.stage); } });
    }
  }

  async function update(stage: string, fields: Fields): Promise<void> {
    if (!ids.has(stage)) await create([{ stage, fields: {} }]);
    const id = ids.get(stage);
    if (!id) return;
    const r = await sendJson('PATCH', url, { records: [{ id, fields }], typecast: true }, request);
    if (!r.ok) warn(`airtable update ${stage}: ${r.error}`);
  }

  function onEvent(e: TrackEvent): () => Promise<void> {
    switch (e.event) {
      case 'run.started':
        return () => create(e.stages.map((s) => ({ stage: s.stage, fields: { Status: s.todo === 0 ? 'up to date' : 'pending', Notes: `run ${e.runId}: ${s.todo} of ${s.partitions} partitions to compute` } })));
      case 'stage.started':
        return () => update(e.stage, { Status: 'running', Started: e.at });
      case 'stage.done': {
        const f = e.figures;
        const cost: Fields = costs.hourly !== null ? { 'Actual cost': money((f.wallMs / 3_600_000) * costs.hourly) } : {};
        open.delete(e.stage);
        return () => update(e.stage, {
          Status: e.status, Finished: e.at, ...cost,
          Notes: `run ${e.runId}: ${f.computed} computed, ${f.skipped} up to date, ${f.failed} failed; ${f.rows} rows, ${f.bytes} bytes; wall ${(f.wallMs / 1000).toFixed(1)} s, compute ${(f.computeMs / 1000).toFixed(1)} core-s, write ${(f.writeMs / 1000).toFixed(1)} core-s`,
        });
      }
      case 'run.done': case 'run.failed': case 'run.interrupted': {
        // Stages the run never reached keep a record that says so.
        const left = [...open].filter((s) => ids.has(s));
        open.clear();
        const status = `not run (run ${e.event.slice(4)})`;
        return async () => { for (const s of left) await update(s, { Status: status }); };
      }
      case 'validation':
        return () => update('validate', {
          Status: e.passed ? 'passed' : 'failed', Finished: e.at,
          Notes: `run ${e.runId}: ${e.passed ? 'every check passed' : e.failedChecks.map((c) => `${c.check}: ${c.failed} failed`).join(', ')}`,
        });
      case 'export.done':
        return () => update('export', { Status: e.validated ? 'done' : 'done (unvalidated)', Finished: e.at, Notes: `${e.files} files, ${e.rows} rows → ${e.out}` });
    }
  }

  return {
    send: (e) => queue.push(onEvent(e)),
    settle: (ms) => queue.settle(ms),
  };
}
