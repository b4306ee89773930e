// A loopback HTTP proxy between bqx and the S3 server that injects faults on a seeded share of
// requests: 500 InternalError, 503 SlowDown, connection resets, and responses held past the client's
// timeout. Everything else is forwarded unchanged (the Host header included, so signatures still match).
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { rng } from '../helpers/rng.ts';

export interface FaultRates {
  readonly error500?: number;
  readonly error503?: number;
  readonly reset?: number;
  readonly slow?: number;
  /** How long a slow response is held before it is forwarded. */
  readonly slowMs?: number;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Requests seen and faults injected, by kind. */
  readonly counts: { requests: number; forwarded: number; error500: number; error503: number; reset: number; slow: number };
  close(): Promise<void>;
}

const ERRORS = {
  500: ['InternalError', 'We encountered an internal error. Please try again.'],
  503: ['SlowDown', 'Please reduce your request rate.'],
} as const;

function errorResponse(req: IncomingMessage, res: ServerResponse, status: 500 | 503): void {
  // Read the body first, as a real server does, so the client sees the status and not a broken pipe.
  req.resume();
  req.on('end', () => {
    const [code, message] = ERRORS[status];
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`);
  });
}

export async function startFaultProxy(target: string, rates: FaultRates, seed = 1): Promise<FaultProxy> {
  const up = new URL(target);
  const random = rng(seed);
  const counts = { requests: 0, forwarded: 0, error500: 0, error503: 0, reset: 0, slow: 0 };
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((req, res) => {
    counts.requests++;
    let u = random();
    const pick = (rate = 0) => { const hit = u < rate; u -= rate; return hit; };
    if (pick(rates.error500)) { counts.error500++; return errorResponse(req, res, 500); }
    if (pick(rates.error503)) { counts.error503++; return errorResponse(req, res, 503); }
    if (pick(rates.reset)) { counts.reset++; req.socket.destroy(); return; }
    const slow = pick(rates.slow);
    if (slow) counts.slow++;
    counts.forwarded++;
    const fwd = request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      const send = () => {
        if (res.destroyed) { upRes.resume(); return; }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      };
      if (slow) setTimeout(send, rates.slowMs ?? 5000); else send();
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`, counts,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
