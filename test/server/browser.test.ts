// End to end in a real headless Chromium: the dashboard open while `bqx run` computes a small synthetic
// market in another process; the heatmap fills, a partition opens, a feature chart draws, and the drawn
// series equals min/max buckets computed here from the lake file. Saves a screenshot. (Page functions
// are passed as functions: the page's CSP forbids eval, so playwright's string form cannot run.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { readParquetColumns } from '../../src/io/parquet.ts';
import { registry } from '../../src/features/registry.ts';
import { partitionPath } from '../../src/pipeline/lake.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { buildServer } from '../../src/server/app.ts';
import { bqx, bqxSpawn } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];
const PAIRS = ['EURUSD', 'GBPUSD', 'EURGBP'];

const cellStates = (page: Page) => page.$$eval('#heatmap td.cell', (tds) => tds.map((td) => `${td.getAttribute('data-pair')}:${td.getAttribute('data-state')}`));

test('the dashboard during a live run: heatmap fills, partition detail, feature chart against the data', {
  skip: existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (apt-get install chromium)`, timeout: 300_000,
}, async () => {
  const dir = tempDir('bqx-e2e-');
  const gen = bqx(['generate', '--pairs', PAIRS.join(','), '--months', '1', '--data-dir', dir]);
  assert.equal(gen.status, 0, gen.stderr);
  const { app } = await buildServer({ dataDir: dir, pollMs: 250 });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const context = await chromium.launchPersistentContext(tempDir('bqx-chromium-'), {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1100, height: 760 },
  });
  const run = bqxSpawn(['run', '--stages', 'base', '--skip-validation', '--data-dir', dir]);
  let runStderr = '';
  run.stderr.on('data', (d) => { runStderr += d; });
  const exited = new Promise<number | null>((resolve) => run.on('exit', resolve));
  let finished = false;
  void exited.then(() => { finished = true; });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/?view=heatmap&unit=base`);
    await page.waitForSelector('#heatmap td.cell');

    // Watch the heatmap while the run goes: a partition shows running (or done) before the run ends.
    await page.waitForFunction(() => (globalThis as any).document.getElementById('live').textContent.startsWith('live:'), undefined, { timeout: 120_000 });
    const seen = new Set<string>();
    while (!finished) {
      for (const s of await cellStates(page)) seen.add(s.split(':')[1]!);
      if (seen.has('running') && seen.has('done')) break;
      await page.waitForTimeout(200);
    }
    assert.ok(!finished || seen.has('running'), `the run ended before the page showed it live (seen ${[...seen]})`);
    assert.ok(seen.has('running'), `states seen while live: ${[...seen]}`);
    assert.equal(await exited, 0, runStderr);
    await page.waitForFunction((n) => [...(globalThis as any).document.querySelectorAll('#heatmap td.cell')].filter((td: any) => td.dataset.state === 'done').length === n,
      PAIRS.length, { timeout: 30_000 });
    assert.deepEqual((await cellStates(page)).sort(), PAIRS.map((p) => `${p}:done`).sort());

    // Open a partition.
    await page.click('#heatmap td.cell[data-pair="EURUSD"]');
    // The manifest shows once the store is quiet after the run (the page retries while it is busy).
    await page.waitForFunction(() => /status\s*done/.test((globalThis as any).document.getElementById('partition')?.textContent ?? ''), undefined, { timeout: 30_000 });
    const detail = await page.textContent('#partition');
    assert.match(detail!, /base · EURUSD · 2024-07/);
    assert.match(detail!, /status\s*done/);
    assert.match(detail!, /"type":"task-done"/);
    assert.match(page.url(), /sel=EURUSD%7C2024-07|sel=EURUSD\|2024-07/);
    await page.screenshot({ path: join(dir, 'dashboard.png') });
    if (process.env.BQX_SCREENSHOT) await page.screenshot({ path: process.env.BQX_SCREENSHOT });

    // Chart a base feature of EURUSD; compare what the page drew with the lake file.
    const base = buildUnits(registry()).find((u) => u.name === 'base')!;
    const feature = base.columns.find((c) => c.role === 'feature' && c.name.startsWith('ret_'))?.name ?? base.columns[0]!.name;
    await page.goto(`${url}/?view=chart&pair=EURUSD&feature=${feature}`);
    await page.waitForFunction(() => (globalThis as any).__bqxChart?.drawn !== undefined, undefined, { timeout: 30_000 });
    const chart = await page.evaluate(() => (globalThis as any).__bqxChart);
    const file = await readParquetColumns(partitionPath(dir, 'base', 'EURUSD', '2024-07'), [feature]);
    const v = file.columns.get(feature)!;
    const lo = new Map<number, number>();
    const hi = new Map<number, number>();
    for (let i = 0; i < v.length; i++) {
      if (Number.isNaN(v[i]!) || file.ts[i]! < chart.from || file.ts[i]! >= chart.to) continue;
      const b = Math.floor(((file.ts[i]! - chart.from) * chart.width) / (chart.to - chart.from));
      lo.set(b, Math.min(lo.get(b) ?? Infinity, v[i]!));
      hi.set(b, Math.max(hi.get(b) ?? -Infinity, v[i]!));
    }
    const keys = [...lo.keys()].sort((a, b) => a - b);
    assert.ok(keys.length > 50, `only ${keys.length} buckets`);
    assert.deepEqual(chart.values.min, keys.map((b) => lo.get(b)));
    assert.deepEqual(chart.values.max, keys.map((b) => hi.get(b)));
    // uPlot's own data: x in seconds, the feature's min and max series (nulls where a bucket is empty).
    const drawnMin = (chart.drawn[1] as (number | null)[]).filter((x) => x !== null);
    const drawnMax = (chart.drawn[2] as (number | null)[]).filter((x) => x !== null);
    assert.deepEqual(drawnMin, chart.values.min);
    assert.deepEqual(drawnMax, chart.values.max);
    assert.ok(chart.price && chart.price.t.length > 50, 'the price is drawn once the run has released the store');
    assert.equal(await page.locator('#chart canvas').count(), 1);
    assert.deepEqual(errors, []);
  } finally {
    if (!finished) run.kill('SIGTERM');
    await exited;
    await context.close();
    await app.close();
  }
});
