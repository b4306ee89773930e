// bqx sql validation|views|load: print the validation script or the helper views generated from the
// catalog, or load the computed partitions into the PostgreSQL feature tables (binary COPY).
import { registry } from '../../features/registry.ts';
import { featureTables } from '../../features/tables.ts';
import { buildUnits } from '../../pipeline/units.ts';
import { connectPool } from '../../store/postgres/connect.ts';
import { syncFeatures } from '../../store/postgres/feature-sync.ts';
import { validationSql } from '../../sql/validation.ts';
import { viewsSql } from '../../sql/views.ts';
import { bool, UsageError, type CommandSpec } from '../args.ts';
import { configFrom, withStore } from '../context.ts';
import { fmtDuration, fmtNumber, printJson } from '../output.ts';

const KINDS = ['validation', 'views', 'load'] as const;

export const sql: CommandSpec = {
  name: 'sql',
  summary: 'PostgreSQL feature tables: print the validation script or the helper views generated from the catalog, or load the computed partitions.',
  positionals: 'validation|views|load',
  minPositionals: 1,
  details: `validation: row counts vs bars per partition, partition completeness, timestamp uniqueness, NULLs after
each feature's burn-in, ±Infinity and every declared range (run it with psql; bqx validate --db runs and judges it).
views: bqx.currency_indices and bqx.triangle_residuals over the loaded feature tables.
load (with --db or BQX_DATABASE_URL): loads every done partition of the lake whose data version differs from
the one loaded (bqx.feature_loads), replacing its month in one transaction; a second load loads nothing.`,
  options: {},
  async run(args) {
    const kind = args.positionals[0] as (typeof KINDS)[number];
    if (!KINDS.includes(kind) || args.positionals.length > 1) throw new UsageError(`expected one of ${KINDS.join(', ')}, got ${JSON.stringify(args.positionals.join(' '))}`);
    const reg = registry();
    const tables = featureTables(reg);
    if (kind === 'validation') { process.stdout.write(validationSql(tables)); return 0; }
    if (kind === 'views') { process.stdout.write(viewsSql(tables)); return 0; }
    const cfg = configFrom(args);
    if (cfg.databaseUrl === '') throw new UsageError('load: --db URL (or BQX_DATABASE_URL) is required');
    const { pool, database } = await connectPool({ url: cfg.databaseUrl, pool: cfg.dbPool });
    try {
      const r = await withStore(cfg, async (store) => syncFeatures({ pool, dataDir: cfg.dataDir, units: buildUnits(reg), tables, manifests: await store.getManifests() }));
      if (bool(args, 'json')) printJson({ db: database, ...r });
      else console.log(`${fmtNumber(r.loaded)} partitions loaded (${fmtNumber(r.rows)} rows, ${(r.bytes / 1e6).toFixed(1)} MB binary COPY) in ${fmtDuration(r.ms)}, ${fmtNumber(r.upToDate)} up to date — ${database}`);
      return 0;
    } finally {
      await pool.end();
    }
  },
};
