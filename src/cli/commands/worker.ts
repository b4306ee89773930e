// bqx worker: takes partition tasks of distributed runs (bqx run --distributed) from the PostgreSQL
// queue, on any machine that reaches the database and the lake.
import { RemoteLake } from '../../distributed/lake.ts';
import { runWorker } from '../../distributed/worker.ts';
import { int, type CommandSpec } from '../args.ts';
import { configFrom, withStore } from '../context.ts';
import { cacheDir, databaseUrl, durationMs, LAKE_OPTIONS, lakeStore, openQueue } from '../distributed.ts';

export const worker: CommandSpec = {
  name: 'worker',
  summary: 'Take partition tasks of distributed runs (bqx run --distributed) from the PostgreSQL queue and compute them; start any number, on any machines.',
  details: `
Each task reads its bars from the store (--db), its upstream stage outputs from the lake (--lake, cached
under --cache), computes on a worker thread, uploads its outputs, then records its manifest. SIGTERM or
SIGINT: no new task; tasks in flight finish within --grace, else they are released (handed to another
worker at once). A killed worker's task is retried once its lease (from the measured task times) runs out.`,
  options: {
    ...LAKE_OPTIONS,
    cache: { type: 'string', description: 'local cache of downloaded upstream files and outputs', default: 'DATA_DIR/worker-cache', valueName: 'DIR' },
    concurrency: { type: 'string', description: 'tasks computed at once (one worker thread each)', default: '1', valueName: 'N' },
    grace: { type: 'string', description: 'after SIGTERM: how long tasks in flight may finish before they are released', default: '25s', valueName: 'DURATION' },
    poll: { type: 'string', description: 'wait between queue polls when there is nothing to do', default: '1s', valueName: 'DURATION' },
    heartbeat: { type: 'string', description: 'interval of the heartbeat in bqx.workers', default: '5s', valueName: 'DURATION' },
    'idle-exit': { type: 'string', description: 'exit once the queue has been empty this long', default: 'never', valueName: 'DURATION' },
  },
  async run(args) {
    const cfg = configFrom(args);
    const url = databaseUrl(cfg, 'bqx worker');
    const objects = lakeStore(args, 'bqx worker');
    const lake = new RemoteLake(objects, cacheDir(args, cfg));
    const idle = args.values['idle-exit'] === undefined ? undefined : durationMs(args, 'idle-exit', 0);
    const opts = {
      concurrency: int(args, 'concurrency', 1) ?? 1, graceMs: durationMs(args, 'grace', 25_000), pollMs: durationMs(args, 'poll', 1_000),
      heartbeatMs: durationMs(args, 'heartbeat', 5_000), ...(idle === undefined ? {} : { idleExitMs: idle }),
    };
    const ac = new AbortController();
    const stop = (sig: string) => () => { console.log(`${sig}: taking no more tasks; tasks in flight get ${opts.graceMs} ms`); ac.abort(); };
    const onTerm = stop('SIGTERM'), onInt = stop('SIGINT');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
    try {
      const summary = await withStore(cfg, async (store) => {
        const queue = await openQueue(url, args);
        try {
          console.log(`worker ${process.pid}: queue ${store.location}, lake ${objects.location}, ${opts.concurrency} at a time`);
          return await runWorker(store, queue, lake, { ...opts, signal: ac.signal, log: (line) => console.log(line) });
        } finally {
          await queue.close();
        }
      });
      console.log(`worker ${summary.id}: ${summary.computed} computed, ${summary.skipped} already done, ${summary.failed} failed, ${summary.released} released`);
      return 0;
    } finally {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      objects.close();
    }
  },
};
