// bqx serve: the dashboard over the data directory (runs, partitions, validation, catalog, charts).
import { isLoopback } from '../../server/auth.ts';
import { buildServer } from '../../server/app.ts';
import { int, str, UsageError, type CommandSpec } from '../args.ts';
import { configFrom } from '../context.ts';

export const serve: CommandSpec = {
  name: 'serve',
  summary: 'Serve the dashboard: runs (live, over server-sent events), a pairs × months heatmap per unit, validation reports, the catalog and feature charts. Read-only; works while a run is going on.',
  options: {
    port: { type: 'string', description: 'TCP port (0: any free port)', default: '8080', valueName: 'N' },
    host: { type: 'string', description: 'address to bind; any address other than loopback requires a token', default: '127.0.0.1', valueName: 'ADDR' },
    token: { type: 'string', description: 'require this token on every request (or set BQX_TOKEN); never printed', valueName: 'T' },
  },
  details: `
Open http://HOST:PORT/ in a browser. With a token, open http://HOST:PORT/?token=T once: the page keeps it
in a cookie; API clients send "Authorization: Bearer T". From another machine prefer an SSH tunnel
(ssh -L 8080:127.0.0.1:8080 host) over binding a public address. Stop with Ctrl-C.`,
  async run(args) {
    const cfg = configFrom(args);
    const port = int(args, 'port', 0) ?? 8080;
    if (port > 65535) throw new UsageError(`--port: expected an integer in [0, 65535], got ${port}`);
    const host = str(args, 'host') ?? '127.0.0.1';
    const token = str(args, 'token') ?? (process.env.BQX_TOKEN || undefined);
    if (token !== undefined && token.length < 8) throw new UsageError('--token: use at least 8 characters');
    if (!isLoopback(host) && token === undefined) {
      throw new UsageError(`--host ${host} is reachable from other machines: give --token T (or BQX_TOKEN), or use an SSH tunnel to 127.0.0.1`);
    }
    const { app } = await buildServer({ dataDir: cfg.dataDir, token });
    const address = await app.listen({ port, host });
    console.log(`bqx dashboard on ${address}/ (data ${cfg.dataDir})${token ? ' — token required' : ''}; Ctrl-C stops it`);
    await new Promise<void>((resolve) => {
      const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await app.close();
    return 0;
  },
};
