// PostgreSQL store throughput: ways to bulk-load and read one pair's bars, measured in turn (A B C D,
// A B C D …) so that a drifting machine affects them alike; prints the median of the rounds.
//   node --import tsx bench/postgres-store.ts [--months N] [--rounds R] [--admin postgres://…/postgres]
// Creates a database bqx_bench_<random> on the admin URL's server and drops it at the end.
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { allocBars, BAR_COLUMNS, type Bars } from '../src/core/types.ts';
import { generateMarket } from '../src/io/synthetic.ts';
import { decodeBars, encodeBars } from '../src/store/postgres/binary.ts';
import { openPostgresStore } from '../src/store/postgres/store.ts';

const { values: opts } = parseArgs({ options: {
  months: { type: 'string', default: '12' }, rounds: { type: 'string', default: '3' },
  admin: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
} });

const bars = generateMarket({ pairs: ['EURUSD'], from: Date.UTC(2024, 0, 1), months: Number(opts.months), seed: 1 }).get('EURUSD')!;
const n = bars.ts.length;
const name = `bqx_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: opts.admin });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(opts.admin);
url.pathname = `/${name}`;

const TABLE = '(ts timestamptz PRIMARY KEY, open float8 NOT NULL, high float8 NOT NULL, low float8 NOT NULL, close float8 NOT NULL, volume float8 NOT NULL)';
const UPSERT = `ON CONFLICT (ts) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`;

async function copyIn(c: pg.Client, sql: string, data: Buffer | string): Promise<void> {
  const s = c.query(copyStreams.from(sql));
  s.end(data);
  await once(s, 'finish');
}

function text(b: Bars): string {
  const lines: string[] = [];
  for (let i = 0; i < b.ts.length; i++) {
    lines.push([new Date(b.ts[i]!).toISOString(), b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]].join('\t'));
  }
  return lines.join('\n') + '\n';
}

/** Loads `bars` into a fresh table `t` (each method starts from an empty table), in one transaction. */
const LOADS: Record<string, (c: pg.Client, t: string) => Promise<void>> = {
  'binary COPY into the table': (c, t) => copyIn(c, `COPY ${t} FROM STDIN (FORMAT binary)`, encodeBars(bars)),
  'binary COPY → temp → INSERT ON CONFLICT': async (c, t) => {
    await c.query(`CREATE TEMP TABLE stage (LIKE ${t}) ON COMMIT DROP`);
    await copyIn(c, 'COPY stage FROM STDIN (FORMAT binary)', encodeBars(bars));
    await c.query(`INSERT INTO ${t} SELECT * FROM stage ${UPSERT}`);
  },
  'text COPY → temp → INSERT ON CONFLICT': async (c, t) => {
    await c.query(`CREATE TEMP TABLE stage (LIKE ${t}) ON COMMIT DROP`);
    await copyIn(c, 'COPY stage FROM STDIN', text(bars));
    await c.query(`INSERT INTO ${t} SELECT * FROM stage ${UPSERT}`);
  },
  'INSERT … VALUES (1,000 rows a statement) ON CONFLICT': async (c, t) => {
    for (let at = 0; at < n; at += 1000) {
      const rows = Math.min(1000, n - at);
      const params: unknown[] = [];
      const values: string[] = [];
      for (let i = at; i < at + rows; i++) {
        const k = params.length;
        values.push(`(to_timestamp($${k + 1}::float8 / 1000), $${k + 2}, $${k + 3}, $${k + 4}, $${k + 5}, $${k + 6})`);
        params.push(...BAR_COLUMNS.map((col) => bars[col][i]));
      }
      await c.query(`INSERT INTO ${t} VALUES ${values.join(', ')} ${UPSERT}`, params);
    }
  },
};

/** Reads the table back as bars. */
const READS: Record<string, (c: pg.Client, t: string) => Promise<Bars>> = {
  'binary COPY out, decoded': async (c, t) => {
    const chunks: Buffer[] = [];
    for await (const ch of c.query(copyStreams.to(`COPY (SELECT * FROM ${t} ORDER BY ts) TO STDOUT (FORMAT binary)`))) chunks.push(ch as Buffer);
    return decodeBars(Buffer.concat(chunks));
  },
  'SELECT (text rows), parsed': async (c, t) => {
    const { rows } = await c.query({ text: `SELECT (extract(epoch FROM ts) * 1000)::float8 AS ts, open, high, low, close, volume FROM ${t} ORDER BY ts`, rowMode: 'array' });
    const out = allocBars(rows.length);
    rows.forEach((r: number[], i: number) => BAR_COLUMNS.forEach((col, k) => { out[col][i] = Number(r[k]); }));
    return out;
  },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} bars/s`;

const c = new pg.Client({ connectionString: url.toString() });
await c.connect();
try {
  const times = new Map<string, number[]>();
  const add = (k: string, ms: number) => times.set(k, [...(times.get(k) ?? []), ms]);
  for (let r = 0; r < Number(opts.rounds); r++) {
    for (const [k, load] of Object.entries(LOADS)) {
      await c.query(`DROP TABLE IF EXISTS bench; CREATE TABLE bench ${TABLE}`);
      const t0 = performance.now();
      await c.query('BEGIN');
      await load(c, 'bench');
      await c.query('COMMIT');
      add(`load: ${k}`, performance.now() - t0);
    }
    for (const [k, read] of Object.entries(READS)) {
      const t0 = performance.now();
      const got = await read(c, 'bench');
      add(`read: ${k}`, performance.now() - t0);
      if (got.ts.length !== n || got.close[n - 1] !== bars.close[n - 1]) throw new Error(`${k}: read back wrong`);
    }
    // The store end to end: upsert into an empty store (versions included), then read it all.
    await c.query('DROP SCHEMA IF EXISTS bqx CASCADE');
    const store = await openPostgresStore({ url: url.toString() });
    let t0 = performance.now();
    await store.upsertBars('EURUSD', bars, 'bench');
    add('store: upsertBars into an empty store', performance.now() - t0);
    t0 = performance.now();
    await store.upsertBars('EURUSD', bars, 'bench');
    add('store: upsertBars of the same bars again (all unchanged)', performance.now() - t0);
    t0 = performance.now();
    await store.readBars('EURUSD', -Infinity, Infinity);
    add('store: readBars of everything', performance.now() - t0);
    await store.close();
  }
  console.log(`${n.toLocaleString('en-US')} bars (${opts.months} months of EURUSD), median of ${opts.rounds} rounds:`);
  for (const [k, ms] of times) console.log(`  ${k.padEnd(58)} ${median(ms).toFixed(0).padStart(6)} ms  ${rate(median(ms))}`);
} finally {
  await c.end();
  await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  await admin.end();
}
