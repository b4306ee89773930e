// Top self-time functions of V8 CPU profiles (node --cpu-prof writes one file per thread, workers
// included): node --import tsx bench/profile-top.ts DIR [--top N]. Profiles of the same thread kind
// (main, workers) are summed; per function: self ms and share of the thread kind's samples.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface CpuNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface CpuProfile { nodes: CpuNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const { values, positionals } = parseArgs({ options: { top: { type: 'string' } }, allowPositionals: true, strict: true });
if (positionals.length !== 1) {
  console.error('usage: node --import tsx bench/profile-top.ts DIR [--top N]');
  process.exit(2);
}
process.stdout.on('error', () => process.exit(0)); // a closed pipe (| head) ends the listing
const top = Number(values.top ?? 25);
const dir = positionals[0]!;

// File names: CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread id 0 is the main thread.
const groups = new Map<string, Map<string, number>>();
for (const f of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const tid = Number(f.split('.')[4]);
  const kind = tid === 0 ? 'main thread' : 'worker threads';
  const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = groups.get(kind) ?? groups.set(kind, new Map()).get(kind)!;
  // Each sample's time is the delta to the next sample (the last one has none: dropped).
  for (let i = 0; i + 1 < p.samples.length; i++) {
    const n = byId.get(p.samples[i]!)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url ? `${url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + p.timeDeltas[i + 1]! / 1000);
  }
}
for (const [kind, self] of groups) {
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`\n== ${kind}: ${(total / 1000).toFixed(1)} s sampled`);
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(ms / 1000).toFixed(2).padStart(8)} s ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${k}`);
  }
}
