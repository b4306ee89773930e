// Runs every *.test.ts under test/ with Node's test runner (through tsx), then the type check,
// and prints one closing line "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

mkdirSync('.tmp', { recursive: true });
const filter = process.argv.slice(2);
// Test files run two at a time (Node 20 runs one at a time on 2 cores): many wait on servers, a browser or
// the disk. They share nothing: each makes its own temporary directories, databases and ports.
const concurrency = Number(process.env.BQX_TEST_CONCURRENCY ?? 2);
function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
const files = find('test').filter((f) => filter.length === 0 || filter.some((s) => f.includes(s))).sort();
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/summary-reporter.mjs', '--test-reporter-destination=.tmp/test-summary.json', ...files],
  { stdio: 'inherit', env: { ...process.env, BQX_TEST: '1' } },
);
let typeFailed = 0;
if (filter.length === 0) {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit'], { stdio: 'inherit' });
  typeFailed = tsc.status === 0 ? 0 : 1;
  console.log(tsc.status === 0 ? 'type check: ok' : 'type check: FAILED');
}
const s = JSON.parse(readFileSync('.tmp/test-summary.json', 'utf8'));
console.log(`${s.passed + (filter.length === 0 ? 1 - typeFailed : 0)} passed, ${s.failed + typeFailed} failed, ${s.skipped} skipped`);
process.exit(run.status !== 0 || typeFailed ? 1 : 0);
