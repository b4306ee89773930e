// The bqx command line: dispatches to one module per command (a thin shell over the library).
import { EXIT, helpText, parseCommand, UsageError, type CommandSpec } from './args.ts';
import { trackerOf } from './tracking.ts';

/** How long a command waits at its end for tracking deliveries still queued (never longer). */
const TRACKING_SETTLE_MS = 15_000;

const COMMANDS: Record<string, () => Promise<CommandSpec>> = {
  start: async () => (await import('./commands/start.ts')).start,
  ingest: async () => (await import('./commands/ingest.ts')).ingest,
  generate: async () => (await import('./commands/generate.ts')).generate,
  status: async () => (await import('./commands/status.ts')).status,
  run: async () => (await import('./commands/run.ts')).run,
  validate: async () => (await import('./commands/validate.ts')).validateCmd,
  export: async () => (await import('./commands/export.ts')).exportCmd,
  features: async () => (await import('./commands/features.ts')).features,
  runs: async () => (await import('./commands/runs.ts')).runs,
  plan: async () => (await import('./commands/plan.ts')).plan,
  serve: async () => (await import('./commands/serve.ts')).serve,
  doctor: async () => (await import('./commands/doctor.ts')).doctorCmd,
  sql: async () => (await import('./commands/sql.ts')).sql,
  worker: async () => (await import('./commands/worker.ts')).worker,
};

const SUMMARIES: Record<string, string> = {
  start: 'the main job: generate a market if the store is empty, run every stage, validate, export, summarise',
  ingest: 'load 1-minute bars (HistData, Dukascopy, CSV, Parquet)',
  generate: 'make a realistic synthetic market of the 28 pairs (deterministic for a seed)',
  status: 'what is loaded (pairs, ranges, bars, gaps) and the state of the stages',
  run: 'compute the feature stages for pair × month partitions (resumes by default), then validate',
  validate: 'check causality of every feature, completeness and quality (blocks export on failure)',
  export: 'write the data set as Parquet with manifest.json and catalog.json',
  features: 'list the feature catalog with definitions, lookbacks and implementation status',
  runs: 'run records: per stage partitions, rows, bytes, wall and core time; estimate vs actual',
  plan: 'estimate time and cost of a run on a machine type from measured throughput',
  serve: 'the dashboard: live runs, partition heatmaps, validation, catalog, feature charts (read-only)',
  doctor: 'check Node, disk, the store and the optional servers and tools, each with a fix',
  sql: 'PostgreSQL feature tables: the validation script and helper views from the catalog; load them',
  worker: 'take partition tasks of distributed runs (bqx run --db … --distributed) on any machine',
};

function usage(): string {
  const w = Math.max(...Object.keys(SUMMARIES).map((k) => k.length)) + 2;
  return [
    'Usage: bqx COMMAND [options]    (bqx COMMAND --help for its options)',
    '',
    'Commands:',
    ...Object.entries(SUMMARIES).map(([k, s]) => `  ${k.padEnd(w)}${s}`),
    '',
    'Exit codes: 0 ok, 1 failure, 2 bad usage, 3 input rejected, 130 interrupted.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`bqx: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return EXIT.usage;
  }
  const spec = await load();
  try {
    const args = parseCommand(spec, rest);
    if (args.values.help) {
      console.log(helpText(spec));
      return EXIT.ok;
    }
    try {
      return await spec.run(args);
    } finally {
      await trackerOf(args)?.settle(TRACKING_SETTLE_MS);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message.startsWith('bqx') ? e.message : `bqx ${name}: ${e.message}`);
      return EXIT.usage;
    }
    const err = e as Error;
    console.error(`bqx ${name}: ${err.message}`);
    if (process.env.BQX_DEBUG) console.error(err.stack);
    return EXIT.failure;
  }
}
