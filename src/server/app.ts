// The dashboard server: Fastify with the read-only API, the static page and server-sent events.
// Safe by default: a token (when set) is checked on every request; only GET and HEAD are served;
// errors are JSON with a status code, never a stack.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerApi } from './api.ts';
import { authorized, presentedToken, TOKEN_COOKIE } from './auth.ts';
import { registerEvents } from './events.ts';
import { HttpError } from './params.ts';
import { DashboardState } from './state.ts';

export interface ServerOptions {
  readonly dataDir: string;
  /** When set, every request must present it. */
  readonly token?: string;
  /** How often the event stream looks for new run events (ms). */
  readonly pollMs?: number;
  /** The store is read only once its file has been unchanged this long (ms; see StoreSnapshots). */
  readonly storeQuietMs?: number;
}

const require = createRequire(import.meta.url);
const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
/** The only files served: the page's own and uPlot's (shipped with the package; no CDN). */
const ASSETS: Record<string, { path: string; type: string }> = {
  'app.js': { path: `${STATIC_DIR}app.js`, type: 'text/javascript; charset=utf-8' },
  'style.css': { path: `${STATIC_DIR}style.css`, type: 'text/css; charset=utf-8' },
  'uPlot.iife.min.js': { path: require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { path: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

export async function buildServer(opts: ServerOptions): Promise<{ app: FastifyInstance; state: DashboardState }> {
  const state = new DashboardState(opts.dataDir, opts.storeQuietMs);
  // Fold the run history and read the store (unless a run holds it) before the first request.
  state.logs.poll();
  await state.snapshot();
  const app = Fastify({ logger: false, return503OnClosing: true });
  const assets = new Map(Object.entries(ASSETS).map(([k, a]) => [k, { body: readFileSync(a.path), type: a.type }]));
  const index = readFileSync(`${STATIC_DIR}index.html`);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
    reply.header('Cache-Control', 'no-store');
    if (opts.token !== undefined && !authorized(presentedToken(req.headers, req.query), opts.token)) {
      throw new HttpError(401, 'a valid token is required (Authorization: Bearer T, or open the page once with ?token=T)');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} not allowed: the dashboard is read-only`);
  });

  app.setErrorHandler((e, _req, reply) => {
    const err = e as Error & { statusCode?: number };
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      console.error(`bqx serve: ${err.stack ?? err.message}`); // the stack stays in the server's log
      return reply.status(500).send({ error: 'internal error (see the server log)', statusCode: 500 });
    }
    return reply.status(status).send({ error: err.message, statusCode: status });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: `no such path: ${req.url.split('?')[0]}`, statusCode: 404 }));

  app.get('/', async (req, reply) => {
    const q = req.query as Record<string, string>;
    if (opts.token !== undefined && typeof q.token === 'string') {
      // Trade the token in the address for a cookie, then drop it from the address (history, screenshots).
      const rest = new URLSearchParams(Object.entries(q).filter(([k]) => k !== 'token')).toString();
      reply.header('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(q.token)}; HttpOnly; SameSite=Strict; Path=/`);
      return reply.redirect(rest ? `/?${rest}` : '/', 303);
    }
    return reply.type('text/html; charset=utf-8').send(index);
  });
  app.get<{ Params: { file: string } }>('/static/:file', async (req, reply) => {
    const a = assets.get(req.params.file);
    if (!a) throw new HttpError(404, `no asset ${JSON.stringify(req.params.file)}`);
    return reply.type(a.type).send(a.body);
  });

  registerApi(app, state);
  registerEvents(app, state, opts.pollMs ?? 500);
  app.addHook('onClose', async () => state.close());
  return { app, state };
}
