// Samples a benchmark's footprint while it runs: the bytes under a directory (an asynchronous walk, each
// inode counted once like `du`, so hard links are not counted twice) and the RSS of the process (worker
// threads are in-process) and of its child processes (the export's writers). The walk is in-process: spawning `du` from a process with gigabytes of RSS blocked the
// main thread ~90 ms per sample (14 s of a year bench's profile).
import { readFileSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface Footprint {
  /** Largest size of the files under the directory seen, in bytes. */
  peakDiskBytes: number;
  /** Largest sampled RSS in bytes (maxRSS from resourceUsage is the kernel's exact high-water mark). */
  peakSampledRss: number;
}

/** Bytes of the files under `dir` (each inode once); files that vanish during the walk count 0. */
async function duBytes(dir: string): Promise<number> {
  const seen = new Set<number>();
  let bytes = 0;
  let names: string[];
  try { names = await readdir(dir, { recursive: true }); } catch { return 0; }
  for (const name of names) {
    const st = await lstat(join(dir, name)).catch(() => null);
    if (!st?.isFile() || seen.has(st.ino)) continue;
    seen.add(st.ino);
    bytes += st.size;
  }
  return bytes;
}

/** RSS of this process and of its child processes (Linux /proc; elsewhere this process's alone). */
function treeRss(): number {
  let rss = process.memoryUsage.rss();
  let children: string[];
  try {
    children = readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').split(' ').filter((p) => p.trim() !== '');
  } catch {
    return rss;
  }
  for (const pid of children) {
    try {
      rss += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096; // resident pages of 4 KiB
    } catch { /* exited meanwhile */ }
  }
  return rss;
}

/** Starts sampling every `everyMs`; `stop()` takes a last sample and returns the peaks. */
export function monitor(dir: string, everyMs = 2_000): { stop: () => Promise<Footprint>; phasePeakRss: () => number } {
  const f: Footprint = { peakDiskBytes: 0, peakSampledRss: 0 };
  let phasePeak = 0;
  let pending: Promise<void> | null = null;
  const sample = () => {
    const rss = treeRss();
    f.peakSampledRss = Math.max(f.peakSampledRss, rss);
    phasePeak = Math.max(phasePeak, rss);
    // One walk at a time: a slow walk skips a tick rather than piling up.
    pending ??= duBytes(dir).then((b) => { f.peakDiskBytes = Math.max(f.peakDiskBytes, b); pending = null; });
  };
  const timer = setInterval(sample, everyMs);
  return {
    /** The largest RSS sampled since the previous call (one call per phase). */
    phasePeakRss() {
      const p = Math.max(phasePeak, treeRss());
      phasePeak = 0;
      return p;
    },
    async stop() {
      clearInterval(timer);
      await pending;
      sample();
      await pending;
      return f;
    },
  };
}
