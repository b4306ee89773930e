// Runs every *.test.ts under test/ with Node's test runner (through tsx), then the type check,
// and prints one closing line "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

mkdirSync('.tmp', { recursive: true });
const filter = process.argv.slice(2);
// Test files run two at a time (Node 20 runs one at a time on 2 cores): many wait on servers, a browser or
// the disk. They share nothing: each makes its own temporary directories, databases and ports. A file whose
// assertions time the machine says "@alone" in its opening comment and runs afterwards, by itself.
const concurrency = Number(process.env.BQX_TEST_CONCURRENCY ?? 2);
// A hang must fail, not run into CI's limit: a test gets 10 minutes (the slowest takes ~1.5) and a batch 45
// (a file that never exits, or a blocking call no test timeout can interrupt). (--test-force-exit would
// end the runner before the summary reporter has written its file.)
const TEST_TIMEOUT_MS = 10 * 60_000;
const BATCH_TIMEOUT_MS = 45 * 60_000;
function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
const files = find('test').filter((f) => filter.length === 0 || filter.some((s) => f.includes(s))).sort();
const alone = files.filter((f) => /^\/\/.*@alone/m.test(readFileSync(f, 'utf8').slice(0, 4096)));
const batches = [[files.filter((f) => !alone.includes(f)), concurrency], [alone, 1]].filter(([b]) => b.length > 0);
const totals = { passed: 0, failed: 0, skipped: 0 };
let status = 0;
for (const [k, [batch, n]] of batches.entries()) {
  const summary = `.tmp/test-summary-${k}.json`;
  rmSync(summary, { force: true });
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${n}`, `--test-timeout=${TEST_TIMEOUT_MS}`,
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/summary-reporter.mjs', `--test-reporter-destination=${summary}`, ...batch],
    { stdio: 'inherit', env: { ...process.env, BQX_TEST: '1' }, timeout: BATCH_TIMEOUT_MS, killSignal: 'SIGKILL' },
  );
  if (run.status !== 0) status = 1;
  const s = existsSync(summary) ? JSON.parse(readFileSync(summary, 'utf8') || 'null') : null;
  if (run.error || !s) {
    // Killed (or never started): its files count as one failure each, named so the log says which.
    console.log(`test batch ${k + 1} did not finish${run.error ? ` (${run.error.message})` : ''}: ${batch.join(' ')}`);
    totals.failed += batch.length;
    continue;
  }
  for (const key of Object.keys(totals)) totals[key] += s[key];
}
if (filter.length === 0) {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit'], { stdio: 'inherit' });
  console.log(tsc.status === 0 ? 'type check: ok' : 'type check: FAILED');
  if (tsc.status === 0) totals.passed++; else { totals.failed++; status = 1; }
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(status);
