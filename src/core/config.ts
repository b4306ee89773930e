// Configuration layers (DESIGN.md): defaults < bqx.config.(json|yaml) < environment (BQX_*) < flags.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { availableParallelism } from 'node:os';

export interface Config {
  /** Root of the embedded store and the Parquet lake. */
  dataDir: string;
  /** Baseline time of the idx domain (FEATURES.md §0). */
  baseline: string;
  maxWorkers: number;
  retries: number;
  /** Seed and span of `bqx generate` and of `npm start` on an empty store (which adds the stages' warm-up weeks before generateFrom). */
  seed: number;
  generateFrom: string;
  generateMonths: number;
  exportDir: string;
  /** Webhook URL for tracking events ('' = none). */
  notify: string;
  /** The PostgreSQL store's database, postgres://user@host:port/db ('' = the embedded store in dataDir). */
  databaseUrl: string;
  /** Connections of this process's PostgreSQL pool. */
  dbPool: number;
}

export const DEFAULTS: Config = {
  dataDir: 'bqx-data',
  baseline: '2024-07-01T00:00:00Z',
  maxWorkers: availableParallelism(),
  retries: 3,
  seed: 42,
  generateFrom: '2024-07-01',
  generateMonths: 1,
  exportDir: 'bqx-data/export',
  notify: '',
  databaseUrl: '',
  dbPool: 4,
};

type Key = keyof Config;
const NUMERIC: ReadonlySet<Key> = new Set(['maxWorkers', 'retries', 'seed', 'generateMonths', 'dbPool']);

/** BQX_DATA_DIR ↔ dataDir, BQX_MAX_WORKERS ↔ maxWorkers … */
function envName(k: Key): string {
  return 'BQX_' + k.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

function coerce(k: Key, v: unknown, where: string): string | number {
  if (NUMERIC.has(k)) {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${where}: ${k} must be a non-negative integer, got ${JSON.stringify(v)}`);
    return n;
  }
  if (typeof v !== 'string' || v === '') throw new Error(`${where}: ${k} must be a non-empty string`);
  return v;
}

function merge(into: Config, layer: Record<string, unknown>, where: string): void {
  for (const [k, v] of Object.entries(layer)) {
    if (!(k in DEFAULTS)) throw new Error(`${where}: unknown setting ${JSON.stringify(k)} (known: ${Object.keys(DEFAULTS).join(', ')})`);
    (into as unknown as Record<string, unknown>)[k] = coerce(k as Key, v, where);
  }
}

/** The config file in `dir`, if any: bqx.config.json, bqx.config.yaml or bqx.config.yml. */
function readConfigFile(dir: string): { file: string; values: Record<string, unknown> } | null {
  for (const name of ['bqx.config.json', 'bqx.config.yaml', 'bqx.config.yml']) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    let values: unknown;
    try {
      values = name.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (values === null || typeof values !== 'object' || Array.isArray(values)) throw new Error(`${file}: expected an object of settings`);
    return { file, values: values as Record<string, unknown> };
  }
  return null;
}

/** Resolves the config for a command: `flags` holds only the settings given on the command line. */
export function loadConfig(flags: Partial<Config> = {}, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Config {
  const cfg: Config = { ...DEFAULTS };
  const file = readConfigFile(opts.cwd ?? process.cwd());
  if (file) merge(cfg, file.values, file.file);
  const env = opts.env ?? process.env;
  for (const k of Object.keys(DEFAULTS) as Key[]) {
    const v = env[envName(k)];
    if (v !== undefined) merge(cfg, { [k]: v }, `environment ${envName(k)}`);
  }
  merge(cfg, Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)), 'flag');
  if (cfg.maxWorkers < 1) throw new Error('maxWorkers must be at least 1');
  if (cfg.dbPool < 1) throw new Error('dbPool must be at least 1');
  return cfg;
}

export { envName as configEnvName };
