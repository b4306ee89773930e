// Samples a benchmark's footprint while it runs: the bytes under a directory (`du -sb`, in a child
// process so the event loop is not blocked) and the process RSS (worker threads are in-process).
import { execFile } from 'node:child_process';

export interface Footprint {
  /** Largest `du -sb` of the directory seen, in bytes. */
  peakDiskBytes: number;
  /** Largest sampled RSS in bytes (maxRSS from resourceUsage is the kernel's exact high-water mark). */
  peakSampledRss: number;
}

function duBytes(dir: string): Promise<number> {
  return new Promise((resolve) => {
    execFile('du', ['-sb', dir], (err, stdout) => resolve(err ? 0 : Number(stdout.split('\t')[0]) || 0));
  });
}

/** Starts sampling every `everyMs`; `stop()` takes a last sample and returns the peaks. */
export function monitor(dir: string, everyMs = 2_000): { stop: () => Promise<Footprint> } {
  const f: Footprint = { peakDiskBytes: 0, peakSampledRss: 0 };
  let pending: Promise<void> | null = null;
  const sample = () => {
    f.peakSampledRss = Math.max(f.peakSampledRss, process.memoryUsage.rss());
    // One du at a time: a slow walk skips a tick rather than piling up.
    pending ??= duBytes(dir).then((b) => { f.peakDiskBytes = Math.max(f.peakDiskBytes, b); pending = null; });
  };
  const timer = setInterval(sample, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await pending;
      sample();
      await pending;
      return f;
    },
  };
}
