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
export function monitor(dir: string, everyMs = 2_000): { stop: () => Promise<Footprint>; phasePeakRss: () => number } {
  const f: Footprint = { peakDiskBytes: 0, peakSampledRss: 0 };
  let phasePeak = 0;
  let pending: Promise<void> | null = null;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    f.peakSampledRss = Math.max(f.peakSampledRss, rss);
    phasePeak = Math.max(phasePeak, rss);
    // One du at a time: a slow walk skips a tick rather than piling up.
    pending ??= duBytes(dir).then((b) => { f.peakDiskBytes = Math.max(f.peakDiskBytes, b); pending = null; });
  };
  const timer = setInterval(sample, everyMs);
  return {
    /** The largest RSS sampled since the previous call (one call per phase). */
    phasePeakRss() {
      const p = Math.max(phasePeak, process.memoryUsage.rss());
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
