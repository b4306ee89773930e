// Runs the real bqx command line in a child process.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/bqx.mjs', import.meta.url));

export interface CliResult { status: number | null; stdout: string; stderr: string }

/** No command of the tests takes minutes; one that hangs is killed and fails its test (spawnSync blocks the test's own timeout). */
const CLI_TIMEOUT_MS = 10 * 60_000;

export function bqx(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8', cwd: opts.cwd, env: { ...process.env, ...opts.env }, maxBuffer: 64 << 20, timeout: CLI_TIMEOUT_MS, killSignal: 'SIGKILL',
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: r.status, stdout: r.stdout, stderr: timedOut ? `${r.stderr}\nbqx ${args[0]}: killed after ${CLI_TIMEOUT_MS / 60_000} min (test timeout)` : r.stderr };
}

export function bqxJson<T = unknown>(args: string[], opts: { cwd?: string } = {}): T {
  const r = bqx([...args, '--json'], opts);
  if (r.status !== 0) throw new Error(`bqx ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Starts bqx without waiting (for kill tests). */
export function bqxSpawn(args: string[]) {
  return spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}
