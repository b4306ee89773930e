// The tracking sinks of one command (--notify URL or config notify; --track airtable:BASE/TABLE with
// AIRTABLE_TOKEN), kept per parsed command line so that run, validation and export report to the same ones.
import type { Config } from '../core/config.ts';
import { planOf } from '../plan/compare.ts';
import type { Store } from '../store/types.ts';
import { airtableSink, parseAirtableTarget } from '../track/airtable.ts';
import type { TrackSink } from '../track/events.ts';
import { Tracker } from '../track/tracker.ts';
import { webhookSink } from '../track/webhook.ts';
import { str, UsageError, type ParsedArgs } from './args.ts';

const trackers = new WeakMap<ParsedArgs, Tracker>();

const warn = (message: string) => console.error(`bqx: warning: ${message}`);

function webhookUrl(url: string): string {
  try { new URL(url); } catch { throw new UsageError(`--notify: not a URL: ${JSON.stringify(url)}`); }
  return url;
}

/** Builds the command's tracker (once); the plan named by --plan gives the AirTable cost fields. */
export async function trackerFor(cfg: Config, args: ParsedArgs, store: Store): Promise<Tracker> {
  const existing = trackers.get(args);
  if (existing) return existing;
  const sinks: TrackSink[] = [];
  const notify = str(args, 'notify') ?? (cfg.notify || undefined);
  if (notify) sinks.push(webhookSink(webhookUrl(notify), warn));
  const track = str(args, 'track');
  if (track) {
    let target;
    try { target = parseAirtableTarget(track); } catch (e) { throw new UsageError((e as Error).message); }
    const token = process.env.AIRTABLE_TOKEN;
    if (!token) throw new UsageError('--track airtable:…: set AIRTABLE_TOKEN (a personal access token with data.records:write)');
    const planId = str(args, 'plan');
    const plan = planId ? planOf(await store.getPlan(planId)) : null;
    const hourly = plan && Number.isFinite(plan.estimate.hourly) ? plan.estimate.hourly : null;
    sinks.push(airtableSink(target, token, { hourly, estimatedHours: new Map(plan?.estimate.stages.map((s) => [s.stage, s.wallHours]) ?? []) }, warn,
      { baseUrl: process.env.BQX_AIRTABLE_URL }));
  }
  const tracker = new Tracker(sinks);
  trackers.set(args, tracker);
  return tracker;
}

/** The tracker built for this command line, if any. */
export function trackerOf(args: ParsedArgs): Tracker | undefined {
  return trackers.get(args);
}
