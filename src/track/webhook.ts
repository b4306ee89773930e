// --notify URL: every tracking event POSTed as JSON, in order, with retries and a per-attempt timeout;
// a failed delivery is reported once as a warning and never fails or slows the run.
import { JobQueue, type TrackEvent, type TrackSink } from './events.ts';
import { DEFAULT_REQUEST, sendJson, type RequestOptions } from './http.ts';

export function webhookSink(url: string, warn: (message: string) => void, opts: RequestOptions = DEFAULT_REQUEST): TrackSink {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--notify: expected an http(s) URL, got ${u.protocol}`);
  const queue = new JobQueue();
  return {
    send(e: TrackEvent) {
      queue.push(async () => {
        const r = await sendJson('POST', url, e, opts);
        if (!r.ok) warn(`notify ${e.event}: ${r.error}`);
      });
    },
    settle: (ms) => queue.settle(ms),
  };
}
