// A local HTTP server for the tracking tests: records every request; a handler decides each answer
// (a status and JSON body, or no answer at all).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received { method: string; url: string; headers: IncomingHttpHeaders; body: unknown; at: number }

export type Handler = (req: Received, index: number) => { status: number; body?: unknown } | 'hang';

export interface TestServer { url: string; received: Received[]; close(): Promise<void> }

export async function startServer(handler: Handler): Promise<TestServer> {
  const received: Received[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => { text += c.toString('utf8'); });
    req.on('end', () => {
      const r: Received = { method: req.method!, url: req.url!, headers: req.headers, body: text ? JSON.parse(text) : null, at: Date.now() };
      received.push(r);
      const answer = handler(r, received.length - 1);
      if (answer === 'hang') { hanging.add(res); return; }
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, received,
    close: () => new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
