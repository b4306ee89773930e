// Server-sent events: the run logs are polled and every run whose view changed is pushed as a
// `run` event (its summary); the page refreshes what it shows. One timer serves every client.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Query } from './params.ts';
import { summariseRun, type DashboardState } from './state.ts';

const KEEPALIVE_MS = 15_000;

export function registerEvents(app: FastifyInstance, s: DashboardState, pollMs: number): void {
  const clients = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | null = null;
  let lastKeepalive = Date.now();

  const send = (res: ServerResponse, event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  const tick = () => {
    const changed = s.logs.poll();
    const now = Date.now();
    for (const run of changed) {
      const summary = summariseRun(run, undefined, now);
      for (const c of clients) send(c, 'run', summary);
    }
    if (now - lastKeepalive > KEEPALIVE_MS) {
      lastKeepalive = now;
      for (const c of clients) c.write(': keepalive\n\n');
    }
  };

  app.get('/api/events', (req, reply) => {
    new Query(req.query, []);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write(`retry: 2000\n\n`);
    s.logs.poll();
    send(res, 'hello', { live: s.logs.live()?.id ?? null });
    clients.add(res);
    timer ??= setInterval(tick, pollMs);
    req.raw.on('close', () => {
      clients.delete(res);
      if (clients.size === 0 && timer) { clearInterval(timer); timer = null; }
    });
  });

  app.addHook('preClose', async () => {
    if (timer) clearInterval(timer);
    timer = null;
    for (const c of clients) c.end();
    clients.clear();
  });
}
