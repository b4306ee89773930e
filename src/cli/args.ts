// Strict flag parsing and truthful --help for every command (util.parseArgs underneath).
import { parseArgs } from 'node:util';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  readonly short?: string;
  readonly multiple?: boolean;
  /** Shown in --help; the command applies it (config defaults come from core/config). */
  readonly default?: string;
  readonly valueName?: string;
}

export interface CommandSpec<T = ParsedArgs> {
  readonly name: string;
  readonly summary: string;
  /** e.g. 'PATH...' */
  readonly positionals?: string;
  readonly minPositionals?: number;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly details?: string;
  readonly run: (args: T) => Promise<number>;
}

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

/** A usage error: printed as one line naming the bad flag or value; exit code 2. */
export class UsageError extends Error {}

export const EXIT = { ok: 0, failure: 1, usage: 2, rejected: 3, interrupted: 130 } as const;

export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', description: 'print machine-readable JSON instead of text' },
  'data-dir': { type: 'string', description: 'store and lake directory', default: 'bqx-data (config dataDir)', valueName: 'DIR' },
  db: { type: 'string', description: 'keep bars, manifests and runs in this PostgreSQL database instead of the embedded store (password: in the URL, PGPASSWORD or ~/.pgpass; never printed)', default: 'BQX_DATABASE_URL (config databaseUrl), else embedded', valueName: 'postgres://USER@HOST:PORT/DB' },
  'db-pool': { type: 'string', description: 'PostgreSQL connections this process opens at most', default: '4 (config dbPool)', valueName: 'N' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export function parseCommand(spec: CommandSpec, argv: string[]): ParsedArgs {
  const options = { ...GLOBAL_OPTIONS, ...spec.options };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: spec.positionals !== undefined,
      options: Object.fromEntries(
        Object.entries(options).map(([k, o]) => [k, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]),
      ),
    });
  } catch (e) {
    // parseArgs messages are long and multi-line: keep the first sentence, which names the flag.
    throw new UsageError(`bqx ${spec.name}: ${(e as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, '')}`);
  }
  if (!parsed.values.help && parsed.positionals.length < (spec.minPositionals ?? 0)) {
    throw new UsageError(`bqx ${spec.name}: missing ${spec.positionals} (see bqx ${spec.name} --help)`);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

export function helpText(spec: CommandSpec): string {
  // A command's own option of a global name (plan's boolean --db) is the one it parses, so the one shown.
  const options = { ...spec.options, ...Object.fromEntries(Object.entries(GLOBAL_OPTIONS).filter(([k]) => !(k in spec.options))) };
  const lines = [`Usage: bqx ${spec.name}${spec.positionals ? ' ' + spec.positionals : ''} [options]`, '', spec.summary, ''];
  if (spec.details) lines.push(spec.details.trim(), '');
  lines.push('Options:');
  const rows = Object.entries(options).map(([k, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${k}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    const def = o.default !== undefined ? ` (default: ${o.default})` : '';
    return [flag, o.description + def + (o.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  for (const [f, d] of rows) lines.push(`  ${f.padEnd(width)}${d}`);
  return lines.join('\n');
}

// Typed accessors that turn bad values into one-line usage errors naming the flag.
export function str(a: ParsedArgs, k: string): string | undefined {
  return a.values[k] as string | undefined;
}

export function int(a: ParsedArgs, k: string, min = 0): number | undefined {
  const v = str(a, k);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${k}: expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return n;
}

export function bool(a: ParsedArgs, k: string): boolean {
  return a.values[k] === true;
}

/** A comma-separated list flag (also accepted repeated). */
export function list(a: ParsedArgs, k: string): string[] | undefined {
  const v = a.values[k];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v as string]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

export function oneOf<T extends string>(a: ParsedArgs, k: string, allowed: readonly T[]): T | undefined {
  const v = str(a, k);
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw new UsageError(`--${k}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}
