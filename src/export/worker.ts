// An export writer process (writers.ts): writes the files its parent sends (write.ts), one at a time, and
// exits when the parent goes away.
import type { FileSpec } from './layout.ts';
import { writeFile, type WriteOpts } from './write.ts';

export interface WriteTask { readonly spec: FileSpec; readonly path: string; readonly opts: WriteOpts }
export type WriteReply = { readonly ok: true; readonly size: number; readonly sha256: string } | { readonly ok: false; readonly error: string };

if (process.send) {
  process.on('message', (task: WriteTask) => {
    writeFile(task.spec, task.path, task.opts).then(
      (digest) => process.send!({ ok: true, ...digest } satisfies WriteReply),
      (e: Error) => process.send!({ ok: false, error: e.stack ?? e.message } satisfies WriteReply),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
