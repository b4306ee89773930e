// Safe by default: the token on every request and on the event stream, the cookie exchange, no token
// in any response, the CLI refusing a non-loopback address without a token, and the token compare.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/app.ts';
import { authorized, isLoopback, presentedToken, tokenMatches } from '../../src/server/auth.ts';
import { bqx } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { buildFixture, logLine } from './fixture.ts';

const TOKEN = 's3cret-token-Zq81';
const dir = tempDir('bqx-serve-sec-');
let app: FastifyInstance;

before(async () => {
  await buildFixture(dir);
  ({ app } = await buildServer({ dataDir: dir, token: TOKEN, storeQuietMs: 0 }));
});
after(async () => app?.close());

const URLS = ['/', '/static/app.js', '/api/health', '/api/runs', '/api/units', '/api/heatmap?unit=ti', '/api/partition?unit=ti&pair=EURUSD&month=2024-07',
  '/api/validation', '/api/catalog', '/api/chart?pair=EURUSD&feature=rsi_idx_w60&width=10', '/api/events'];

test('without the token, or with a wrong one, every path is 401 (the event stream too)', async () => {
  for (const url of URLS) {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${TOKEN}x` }, { cookie: 'bqx_token=nope' }]) {
      const r = await app.inject({ method: 'GET', url, headers });
      assert.equal(r.statusCode, 401, `${url} ${JSON.stringify(headers)}`);
      assert.match(r.json().error, /a valid token is required/);
    }
  }
  assert.equal((await app.inject({ method: 'POST', url: '/api/runs' })).statusCode, 401); // no method hint without the token
});

test('with the token (bearer, cookie or query) every API path answers, and no response holds it', async () => {
  for (const url of URLS.filter((u) => u !== '/api/events' && u !== '/')) {
    for (const headers of [{ authorization: `Bearer ${TOKEN}` }, { cookie: `other=1; bqx_token=${TOKEN}` }]) {
      const r = await app.inject({ method: 'GET', url, headers });
      assert.equal(r.statusCode, 200, `${url} ${JSON.stringify(headers)}`);
      assert.ok(!r.body.includes(TOKEN), `${url} echoes the token`);
    }
  }
  const q = await app.inject({ method: 'GET', url: `/api/health?token=${TOKEN}` });
  assert.equal(q.statusCode, 200);
  assert.equal((await app.inject({ method: 'POST', url: '/api/runs', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 405);
});

test('opening the page with ?token= trades it for an HttpOnly cookie and drops it from the address', async () => {
  const r = await app.inject({ method: 'GET', url: `/?view=heatmap&token=${TOKEN}&unit=ti` });
  assert.equal(r.statusCode, 303);
  assert.equal(r.headers.location, '/?view=heatmap&unit=ti');
  assert.match(String(r.headers['set-cookie']), new RegExp(`^bqx_token=${TOKEN}; HttpOnly; SameSite=Strict; Path=/$`));
  const page = await app.inject({ method: 'GET', url: '/?view=heatmap', headers: { cookie: `bqx_token=${TOKEN}` } });
  assert.equal(page.statusCode, 200);
  assert.ok(!page.body.includes(TOKEN));
});

test('the event stream over real HTTP: refused without the token, streams run updates with it', async () => {
  const addr = await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  assert.equal((await fetch(`${addr}/api/events`)).status, 401);
  const ctl = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/api/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: ctl.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('event: hello')) text += new TextDecoder().decode((await reader.read()).value);
  assert.match(text, /event: hello\ndata: \{"live":null\}/);
  // A run appending to its log is pushed as a run event with its summary.
  const id = '20240804T000000-dddddddd';
  logLine(join(dir, 'runs', `${id}.jsonl`), Date.now(), { type: 'plan', runId: id, units: [{ unit: 'ti', total: 3, todo: 3 }] });
  while (!text.includes(`"id":"${id}"`)) text += new TextDecoder().decode((await reader.read()).value);
  const event = text.slice(text.indexOf('event: run'));
  const data = JSON.parse(event.slice(event.indexOf('data: ') + 6, event.indexOf('\n\n')));
  assert.equal(data.id, id);
  assert.equal(data.status, 'running');
  assert.deepEqual(data.partitions, { todo: 3, done: 0, failed: 0, running: 0 });
  ctl.abort();
});

test('token compare and credential parsing', () => {
  assert.ok(tokenMatches(TOKEN, TOKEN));
  assert.ok(!tokenMatches(undefined, TOKEN));
  assert.ok(!tokenMatches('', TOKEN));
  assert.ok(!tokenMatches(TOKEN.slice(0, -1), TOKEN));
  assert.ok(authorized(presentedToken({ authorization: 'Bearer x', cookie: `bqx_token=${TOKEN}` }, {}), TOKEN));
  assert.ok(!authorized(presentedToken({ authorization: `Basic ${TOKEN}` }, {}), TOKEN));
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
  assert.ok(!isLoopback('0.0.0.0') && !isLoopback('192.168.1.5') && !isLoopback('::'));
});

test('bqx serve: a non-loopback address needs a token; --help tells the truth; bad flags are usage errors', () => {
  const open = bqx(['serve', '--host', '0.0.0.0', '--data-dir', dir], { env: { BQX_TOKEN: '' } });
  assert.equal(open.status, 2);
  assert.match(open.stderr, /--host 0\.0\.0\.0 is reachable from other machines: give --token T \(or BQX_TOKEN\)/);
  const short = bqx(['serve', '--host', '0.0.0.0', '--token', 'abc', '--data-dir', dir]);
  assert.equal(short.status, 2);
  assert.match(short.stderr, /--token: use at least 8 characters/);
  assert.ok(!short.stderr.includes('abc '));
  const port = bqx(['serve', '--port', 'x']);
  assert.equal(port.status, 2);
  assert.match(port.stderr, /--port: expected an integer ≥ 0, got "x"/);
  const help = bqx(['serve', '--help']);
  assert.equal(help.status, 0);
  for (const f of ['--port N', '--host ADDR', '--token T', 'BQX_TOKEN', 'ssh -L']) assert.ok(help.stdout.includes(f), f);
});
