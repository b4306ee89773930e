// bqx doctor: each check against the real thing (PostgreSQL on 127.0.0.1:5432, a real HTTP server as
// the S3 endpoint, /usr/bin/chromium, python3), never a password in the output, exit 0 on essentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { BIN, bqx } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { doctor, maskUrl } from '../../src/cli/commands/doctor.ts';
import { loadConfig } from '../../src/core/config.ts';
import { createTestDatabase, NO_SERVER } from '../helpers/postgres.ts';

interface Check { name: string; essential: boolean; verdict: string; detail: string; fix: string }
const byName = (checks: Check[]) => new Map(checks.map((c) => [c.name, c]));

/** Whether something answers on 127.0.0.1:5432 (pg_isready is PostgreSQL's own probe). */
const pgUp = spawnSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432']).status === 0;

test('masks URL passwords and password-like parameters', () => {
  assert.equal(maskUrl('postgres://bqx:hunter2@db:5432/bqx'), 'postgres://bqx:****@db:5432/bqx');
  assert.equal(maskUrl('http://h:9000/?X-Amz-Secret=abc&region=x'), 'http://h:9000/?X-Amz-Secret=****&region=x');
  assert.equal(maskUrl('not a url://u:pw@h'), 'not a url://u:****@h');
});

test('doctor on a fresh directory: essentials fine, every check with a verdict, optional ones with a fix when absent', async () => {
  const dir = tempDir('bqx-doctor-');
  const server = createServer((_, res) => { res.statusCode = 403; res.end('<Error/>'); }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  try {
    const env = { ...process.env };
    delete env.BQX_DATABASE_URL; // the embedded store
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      // asynchronously: the HTTP server above must keep answering while doctor runs
      execFile(process.execPath, [BIN, 'doctor', '--data-dir', join(dir, 'data'), '--s3-endpoint', `http://127.0.0.1:${port}`, '--json'],
        { env }, (e, stdout, stderr) => resolve({ status: e ? (e as { code?: number }).code ?? 1 : 0, stdout, stderr }));
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { ok: boolean; checks: Check[] };
    const c = byName(out.checks);
    assert.deepEqual([...c.keys()], ['node', 'disk', 'store', 'postgresql', 's3', 'browser', 'python']);
    assert.equal(c.get('node')!.verdict, 'ok');
    assert.match(c.get('node')!.detail, new RegExp(process.versions.node.replaceAll('.', '\\.')));
    assert.match(c.get('disk')!.detail, /GB free on .*; the default npm start writes about [\d.]+ GB/);
    assert.match(c.get('store')!.detail, /none yet/);
    assert.equal(c.get('postgresql')!.verdict, pgUp ? 'ok' : 'absent');
    assert.match(c.get('postgresql')!.detail, /^postgres:\/\/127\.0\.0\.1:5432 \(default; no --db, BQX_DATABASE_URL unset\)/);
    assert.equal(c.get('s3')!.verdict, 'ok');
    assert.match(c.get('s3')!.detail, /answers HTTP 403/);
    assert.equal(c.get('browser')!.verdict, existsSync('/usr/bin/chromium') ? 'ok' : 'absent');
    const pyarrow = spawnSync('python3', ['-c', 'import pyarrow']).status === 0;
    assert.equal(c.get('python')!.verdict, pyarrow ? 'ok' : 'absent');
    for (const x of out.checks) if (x.verdict !== 'ok') assert.ok(x.fix.length > 0 && !x.fix.includes('\n'), `${x.name}: one-line fix`);
  } finally {
    server.close();
  }
});

test('doctor: an unreachable optional server is reported with its fix and does not fail; a broken store does', () => {
  const dir = tempDir('bqx-doctor-');
  const r = bqx(['doctor', '--data-dir', dir, '--s3-endpoint', 'http://127.0.0.1:9']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /→ start the S3 server/);
  assert.match(r.stdout, /essentials fine$/m);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bqx.duckdb'), 'this is not a database');
  const broken = bqx(['doctor', '--data-dir', dir]);
  assert.equal(broken.status, 1);
  assert.match(broken.stdout, /^fail +store +.*bqx\.duckdb: /m);
  assert.match(broken.stdout, /an essential check failed/);
});

test('doctor --db: the store check opens the PostgreSQL store (essential), the password masked or left out everywhere', async (t) => {
  const dir = tempDir('bqx-doctor-');
  const down = byName(await doctor(loadConfig({ dataDir: dir, databaseUrl: 'postgres://u:pw-d0wn-secret@127.0.0.1:9/x' }, { env: {} })));
  assert.equal(down.get('store')!.verdict, 'fail', 'an unreachable PostgreSQL store is an essential failure');
  assert.ok(down.get('store')!.essential);
  assert.match(down.get('store')!.detail, /^PostgreSQL postgres:\/\/u@127\.0\.0\.1:9\/x: .*ECONNREFUSED/);
  assert.match(down.get('store')!.fix, /^check the URL \(--db, BQX_DATABASE_URL\)/);
  assert.equal(down.get('postgresql')!.verdict, 'absent');
  assert.match(down.get('postgresql')!.detail, /^postgres:\/\/u:\*\*\*\*@127\.0\.0\.1:9\/x: .*ECONNREFUSED/);
  assert.ok(!JSON.stringify([...down.values()]).includes('pw-d0wn-secret'), 'the password leaked');
  const url = await createTestDatabase();
  if (url === null) return t.skip(NO_SERVER);
  const u = new URL(url);
  u.password = 's3cr3t-pw'; // trust auth: accepted and ignored
  const r = bqx(['doctor', '--data-dir', dir, '--json'], { env: { BQX_DATABASE_URL: u.toString() } });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.ok(!(r.stdout + r.stderr).includes('s3cr3t-pw'), 'the password leaked');
  const c = byName((JSON.parse(r.stdout) as { checks: Check[] }).checks);
  assert.equal(c.get('store')!.verdict, 'ok');
  assert.equal(c.get('store')!.detail, `postgres://postgres@127.0.0.1:5432${u.pathname}: 0 pairs, 0 bars; partitions 0 done, 0 failed, 0 pending`);
  assert.equal(c.get('postgresql')!.verdict, 'ok');
  assert.match(c.get('postgresql')!.detail, /^postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:5432\/bqx_test_\w+ answers the PostgreSQL protocol/);
});
