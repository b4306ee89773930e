// The command line: truthful --help for every command, strict flags with one-line errors naming the
// flag, exit codes, --json output, generate → status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bqx, bqxJson } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const COMMANDS = ['start', 'ingest', 'generate', 'status', 'run', 'validate', 'export', 'features', 'runs', 'plan', 'serve', 'doctor', 'sql'];

test('bqx --help lists every command; no command is a usage error', () => {
  const r = bqx(['--help']);
  assert.equal(r.status, 0);
  for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
  assert.equal(bqx([]).status, 2);
  const unknown = bqx(['frobnicate']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
});

test('every command has --help naming each of its flags', () => {
  for (const c of COMMANDS) {
    const r = bqx([c, '--help']);
    assert.equal(r.status, 0, c);
    assert.match(r.stdout, new RegExp(`^Usage: bqx ${c}`), c);
    for (const flag of ['--json', '--data-dir', '--help']) assert.ok(r.stdout.includes(flag), `${c} --help lacks ${flag}`);
  }
  assert.match(bqx(['run', '--help']).stdout, /--max-workers N/);
  assert.match(bqx(['validate', '--help']).stdout, /--max-workers N/);
  assert.match(bqx(['ingest', '--help']).stdout, /--on-error MODE/);
});

test('bad flags and values: exit 2 and one line naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['status', '--bogus'], /Unknown option '--bogus'/],
    [['generate', '--months', 'x'], /--months: expected an integer ≥ 1, got "x"/],
    [['run', '--pairs', 'EURXYZ'], /--pairs: unknown pair "EURXYZ"/],
    [['run', '--stages', 'base,nope'], /--stages: unknown stage "nope"/],
    [['run', '--months', '2024-13'], /--months: expected YYYY-MM, got "2024-13"/],
    [['ingest', '--on-error', 'ignore', 'x.csv'], /--on-error: expected one of fail, skip, got "ignore"/],
    [['ingest', '--source-tz', 'Mars/Base', 'x.csv'], /--source-tz: unknown time zone "Mars\/Base"/],
    [['ingest'], /missing PATH/],
    [['validate', '--max-workers', '0'], /--max-workers: expected an integer ≥ 1, got "0"/],
    [['export', '--layout', 'tall'], /--layout: expected one of wide/],
    [['features', 'no_such_feature'], /no feature named "no_such_feature"/],
  ];
  for (const [args, re] of cases) {
    const r = bqx(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line, got ${JSON.stringify(r.stderr)}`);
  }
});

test('generate then status (--json): pairs, ranges, bars, missing minutes and weekends', () => {
  const dir = tempDir('bqx-cli-');
  const gen = bqxJson<{ bars: number; pairs: number }>(['generate', '--data-dir', dir, '--pairs', 'EURUSD,USDJPY', '--from', '2024-07-01', '--months', '1', '--seed', '3']);
  assert.equal(gen.pairs, 2);
  const st = bqxJson<{ pairs: { pair: string; bars: number; first: number; last: number; missingMinutes: number; weekendGaps: number }[] }>(['status', '--data-dir', dir]);
  assert.deepEqual(st.pairs.map((p) => p.pair).sort(), ['EURUSD', 'USDJPY']);
  assert.equal(st.pairs.reduce((n, p) => n + p.bars, 0), gen.bars);
  for (const p of st.pairs) {
    assert.ok(p.first >= Date.UTC(2024, 6, 1) && p.last < Date.UTC(2024, 7, 1));
    assert.equal(p.weekendGaps, 4); // July 2024 has four weekends after Monday 1st
    assert.ok(p.missingMinutes > 0 && p.missingMinutes < 300, `${p.pair}: ${p.missingMinutes} missing minutes`);
  }
  const text = bqx(['status', '--data-dir', dir]);
  assert.match(text.stdout, /EURUSD\s+[\d,]+\s+2024-07-01T/);
});

test('features: the catalog with 730 features and 15 targets', () => {
  const all = bqxJson<{ name: string; role: string; status: string }[]>(['features']);
  assert.equal(all.filter((f) => f.role === 'feature').length, 730);
  assert.equal(all.filter((f) => f.role === 'target').length, 15);
  const rsi = bqxJson<{ name: string; lookahead: number; family: string }>(['features', 'rsi_idx_w15']);
  assert.equal(rsi.family, 'ti');
  assert.equal(rsi.lookahead, 0);
  assert.equal(bqxJson<unknown[]>(['features', '--family', 'arb']).length, 16);
});
