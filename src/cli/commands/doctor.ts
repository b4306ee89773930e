// bqx doctor: is this machine ready? Node, the data directory's disk, the store (embedded or PostgreSQL), and the optional
// servers and tools (PostgreSQL, an S3 endpoint, a browser, python3 + pyarrow), each with a one-line fix.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { diskSpace, fmtBytes } from '../../core/disk.ts';
import { PAIR_NAMES } from '../../core/currencies.ts';
import { parseInstant } from '../../core/time.ts';
import { startFootprint } from '../../pipeline/footprint.ts';
import { bool, str, type CommandSpec } from '../args.ts';
import { configFrom, storeLocation, withStore } from '../context.ts';
import type { Config } from '../../core/config.ts';
import { plural, printJson } from '../output.ts';
import { statusOf } from './status.ts';
import { defaultDemoDays, demoSpan } from '../../job/demo.ts';

export type Verdict = 'ok' | 'warn' | 'fail' | 'absent';

export interface Check {
  readonly name: string;
  /** Essential checks decide the exit code; optional ones only inform. */
  readonly essential: boolean;
  readonly verdict: Verdict;
  readonly detail: string;
  /** One line: what to do about it (empty when fine). */
  readonly fix: string;
}

export const BROWSER = '/usr/bin/chromium';
const TIMEOUT_MS = 3_000;

/** A URL with its password (and any password-like query parameter) replaced by ****. */
export function maskUrl(url: string): string {
  let u: URL;
  try { u = new URL(url); } catch { return url.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:****@'); }
  if (u.password) u.password = '****';
  for (const k of [...u.searchParams.keys()]) if (/pass|secret|token|key/i.test(k)) u.searchParams.set(k, '****');
  return u.toString();
}

function checkNode(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  return { name: 'node', essential: true, verdict: major >= 20 ? 'ok' : 'fail', detail: `v${process.versions.node}`,
    fix: major >= 20 ? '' : 'install Node 20 or later (e.g. nvm install 20)' };
}

function checkDisk(cfg: Config): Check {
  const { free, measured } = diskSpace(cfg.dataDir);
  const span = demoSpan(parseInstant(cfg.generateFrom), cfg.generateMonths, defaultDemoDays(cfg.generateMonths));
  const demo = startFootprint({ pairs: PAIR_NAMES, from: span.genFrom, months: span.generatedMonths.length, to: span.to }, span.runMonths).bytes;
  const detail = `${fmtBytes(free)} free on ${measured}; the default npm start writes about ${fmtBytes(demo)}`;
  return { name: 'disk', essential: true, verdict: free >= demo ? 'ok' : 'warn', detail,
    fix: free >= demo ? '' : 'free some space, or point --data-dir (BQX_DATA_DIR) at a larger disk; bqx refuses runs that would not fit' };
}

async function checkStore(cfg: Config): Promise<Check> {
  const where = storeLocation(cfg);
  const embedded = cfg.databaseUrl === '';
  if (embedded && !existsSync(where)) return { name: 'store', essential: true, verdict: 'ok', detail: `${where}: none yet`, fix: '' };
  try {
    const s = await withStore(cfg, statusOf);
    const bars = s.pairs.reduce((n, p) => n + p.bars, 0);
    const parts = s.stages.reduce((a, x) => ({ done: a.done + x.done, failed: a.failed + x.failed, pending: a.pending + x.pending + x.running }), { done: 0, failed: 0, pending: 0 });
    const last = s.runs[0];
    const detail = `${where}: ${plural(s.pairs.length, 'pair')}, ${plural(bars, 'bar')}; partitions ${parts.done} done, ${parts.failed} failed, ${parts.pending} pending` +
      (last ? `; last run ${last.id} ${last.status}` : '');
    const unfinished = parts.failed + parts.pending > 0;
    return { name: 'store', essential: true, verdict: unfinished ? 'warn' : 'ok', detail, fix: unfinished ? 'bqx run resumes the failed and pending partitions' : '' };
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!;
    // (the PostgreSQL store's errors already name the database, without its password)
    if (!embedded) return { name: 'store', essential: true, verdict: 'fail', detail: msg, fix: 'check the URL (--db, BQX_DATABASE_URL), that the server is up and that the database exists (createdb), and the password (URL, PGPASSWORD or ~/.pgpass)' };
    const holder = /Conflicting lock is held in .*\(PID (\d+)\)/.exec(msg);
    if (holder) return { name: 'store', essential: true, verdict: 'warn', detail: `${where}: in use by process ${holder[1]}`, fix: 'wait for that bqx command to finish (one process opens the store at a time)' };
    return { name: 'store', essential: true, verdict: 'fail', detail: `${where}: ${msg}`, fix: 'move the file away (it does not open as a DuckDB store) and run npm start again' };
  }
}

/** PostgreSQL's SSLRequest: a server answers one byte, 'S' or 'N' (PostgreSQL protocol, "SSL Session Encryption"). */
function pgHandshake(host: string, port: number): Promise<string> {
  return new Promise((ok, fail) => {
    const sock = connect({ host, port, timeout: TIMEOUT_MS }, () => {
      const req = Buffer.alloc(8);
      req.writeInt32BE(8, 0);
      req.writeInt32BE(80877103, 4);
      sock.write(req);
    });
    sock.once('data', (b) => { sock.destroy(); b[0] === 0x53 || b[0] === 0x4e ? ok('answers the PostgreSQL protocol') : fail(new Error('not a PostgreSQL server')); });
    sock.once('timeout', () => { sock.destroy(); fail(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)); });
    sock.once('error', (e) => fail(e));
  });
}

async function checkPostgres(cfg: Config): Promise<Check> {
  const url = cfg.databaseUrl || 'postgres://127.0.0.1:5432';
  const shown = `${maskUrl(url)}${cfg.databaseUrl ? '' : ' (default; no --db, BQX_DATABASE_URL unset)'}`;
  try {
    const u = new URL(url);
    const detail = await pgHandshake(u.hostname || '127.0.0.1', Number(u.port || 5432));
    return { name: 'postgresql', essential: false, verdict: 'ok', detail: `${shown} ${detail}`, fix: '' };
  } catch (e) {
    return { name: 'postgresql', essential: false, verdict: 'absent', detail: `${shown}: ${(e as Error).message}`,
      fix: 'optional (PostgreSQL store): start PostgreSQL ≥ 15 or set BQX_DATABASE_URL=postgres://user@host:5432/db' };
  }
}

async function checkS3(endpoint: string | undefined): Promise<Check> {
  if (!endpoint) return { name: 's3', essential: false, verdict: 'absent', detail: 'no endpoint given', fix: 'optional (S3 lake/export): pass --s3-endpoint URL or set BQX_S3_ENDPOINT' };
  try {
    const res = await fetch(endpoint, { method: 'GET', signal: AbortSignal.timeout(TIMEOUT_MS) });
    return { name: 's3', essential: false, verdict: 'ok', detail: `${maskUrl(endpoint)} answers HTTP ${res.status}`, fix: '' };
  } catch (e) {
    const why = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
    return { name: 's3', essential: false, verdict: 'absent', detail: `${maskUrl(endpoint)}: ${why}`, fix: 'start the S3 server or fix the endpoint (a local one: python3 -m moto.server -p 5000)' };
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((ok, fail) => execFile(cmd, args, { timeout: TIMEOUT_MS * 3 }, (e, out, err) => (e ? fail(new Error((err || e.message).trim().split('\n').at(-1))) : ok(out.trim()))));
}

async function checkBrowser(): Promise<Check> {
  const fix = 'optional (dashboard browser test): apt-get install chromium';
  if (!existsSync(BROWSER)) return { name: 'browser', essential: false, verdict: 'absent', detail: `${BROWSER} not found`, fix };
  try {
    return { name: 'browser', essential: false, verdict: 'ok', detail: `${BROWSER}: ${await run(BROWSER, ['--version'])}`, fix: '' };
  } catch (e) {
    return { name: 'browser', essential: false, verdict: 'absent', detail: `${BROWSER}: ${(e as Error).message}`, fix };
  }
}

async function checkPython(): Promise<Check> {
  try {
    const v = await run('python3', ['-c', 'import sys, pyarrow; print(sys.version.split()[0], pyarrow.__version__)']);
    const [py, pa] = v.split(' ');
    return { name: 'python', essential: false, verdict: 'ok', detail: `python3 ${py}, pyarrow ${pa}`, fix: '' };
  } catch (e) {
    return { name: 'python', essential: false, verdict: 'absent', detail: `python3 + pyarrow: ${(e as Error).message}`,
      fix: 'optional (reading the export from Python): pip install pyarrow (or apt-get install python3-pyarrow)' };
  }
}

export async function doctor(cfg: Config, opts: { s3Endpoint?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Check[]> {
  const env = opts.env ?? process.env;
  return Promise.all([checkNode(), checkDisk(cfg), checkStore(cfg), checkPostgres(cfg), checkS3(opts.s3Endpoint ?? env.BQX_S3_ENDPOINT), checkBrowser(), checkPython()]);
}

export const doctorCmd: CommandSpec = {
  name: 'doctor',
  summary: 'Check this machine: Node version, free disk of the data directory, the store’s state (the embedded file, or the PostgreSQL database of --db / BQX_DATABASE_URL; essential: exit 1 when one fails), and the optional PostgreSQL server (--db / BQX_DATABASE_URL, else 127.0.0.1:5432), S3 endpoint, browser for the dashboard test and python3 + pyarrow, each with a one-line fix. Passwords in URLs are masked.',
  options: {
    's3-endpoint': { type: 'string', description: 'S3 endpoint to probe', default: 'BQX_S3_ENDPOINT, else none', valueName: 'URL' },
  },
  async run(args) {
    const cfg = configFrom(args);
    const checks = await doctor(cfg, { s3Endpoint: str(args, 's3-endpoint') });
    const ok = checks.every((c) => !c.essential || c.verdict !== 'fail');
    if (bool(args, 'json')) printJson({ ok, dataDir: resolve(cfg.dataDir), checks });
    else {
      const w = Math.max(...checks.map((c) => c.name.length));
      for (const c of checks) {
        console.log(`${c.verdict.padEnd(6)} ${c.name.padEnd(w)}  ${c.detail}`);
        if (c.fix) console.log(`${''.padEnd(6)} ${''.padEnd(w)}  → ${c.fix}`);
      }
      console.log(ok ? 'essentials fine' : 'an essential check failed');
    }
    return ok ? 0 : 1;
  },
};
