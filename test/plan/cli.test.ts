// bqx runs and bqx plan on the command line: truthful --help, strict flags with one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bqx } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('bqx-plan-cli-');

test('runs and plan are listed and document their flags', () => {
  const top = bqx(['--help']).stdout;
  for (const c of ['runs', 'plan']) assert.match(top, new RegExp(`^  ${c} `, 'm'));
  const runs = bqx(['runs', '--help']);
  assert.equal(runs.status, 0);
  for (const f of ['Usage: bqx runs [ID]', '--csv', '--limit N', '--json', '--data-dir']) assert.ok(runs.stdout.includes(f), f);
  const plan = bqx(['plan', '--help']).stdout;
  for (const f of ['--pairs LIST', '--stages LIST', '--months N|LIST', '--machine NAME', '--spot', '--on-demand', '--deadline DURATION', '--workers N',
    '--machines N', '--db', '--prices FILE', '--calibrate', '--recent N']) assert.ok(plan.includes(f), f);
  const run = bqx(['run', '--help']).stdout;
  for (const f of ['--notify URL', '--track airtable:BASE/TABLE', '--plan ID']) assert.ok(run.includes(f), f);
});

test('bad flags and values: exit 2 and one line naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['plan', '--machine', 'm5.large'], /^bqx plan: --machine: unknown machine "m5.large" \(price table: Standard_D64as_v5, /],
    [['plan', '--deadline', 'soon'], /^bqx plan: --deadline: expected a duration such as 90m, 2h or 1d, got "soon"/],
    [['plan', '--spot', '--on-demand'], /^bqx plan: --spot and --on-demand are exclusive/],
    [['plan', '--months', '2024-13'], /^bqx plan: --months: expected N or YYYY-MM,… got "2024-13"/],
    [['plan', '--months', '0'], /^bqx plan: --months: expected at least 1/],
    [['plan', '--workers', '0'], /^bqx plan: --workers: expected an integer ≥ 1, got "0"/],
    [['plan', '--stages', 'nope'], /^bqx plan: --stages: unknown stage "nope"/],
    [['runs', '--json', '--csv'], /^bqx runs: --json and --csv are exclusive/],
    [['runs', 'a', 'b'], /^bqx runs: expected at most one run ID, got 2/],
    [['run', '--track', 'airtable:nope'], /^bqx run: --track: expected airtable:BASE\/TABLE, got "airtable:nope"/],
    [['run', '--notify', 'not a url'], /^bqx run: --notify: not a URL: "not a url"/],
  ];
  for (const [args, re] of cases) {
    const r = bqx([...args, '--data-dir', dir], { env: { AIRTABLE_TOKEN: 'x' } });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line`);
  }
  const noToken = bqx(['run', '--track', 'airtable:app1/T', '--data-dir', dir], { env: { AIRTABLE_TOKEN: '' } });
  assert.equal(noToken.status, 2);
  assert.match(noToken.stderr, /set AIRTABLE_TOKEN/);
  const bad = bqx(['plan', '--prices', '/nonexistent/prices.json', '--data-dir', dir]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /ENOENT/);
  const missing = bqx(['runs', 'nope', '--data-dir', dir]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no run "nope"/);
  assert.match(bqx(['runs', '--data-dir', dir]).stdout, /no runs recorded/);
});
