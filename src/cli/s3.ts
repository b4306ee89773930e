// The S3 flags shared by the commands that write to object storage (bqx export --out, bqx run/worker
// --lake): endpoint, region, path style, part size, timeout.
import type { S3Options } from '../io/objectstore/index.ts';
import { bool, int, str, UsageError, type OptionSpec, type ParsedArgs } from './args.ts';

export const S3_OPTIONS = {
  's3-endpoint': { type: 'string', description: 'URL of an S3-compatible server (default: AWS)', valueName: 'URL' },
  's3-region': { type: 'string', description: 'S3 region', default: 'AWS_REGION, else us-east-1', valueName: 'R' },
  's3-path-style': { type: 'boolean', description: 'path-style S3 URLs (most S3-compatible servers need them)' },
  'part-size': { type: 'string', description: 'multipart part size in MiB (≥ 5); smaller files are one PUT', default: '16', valueName: 'MIB' },
  's3-timeout': { type: 'string', description: 'seconds a request may stay idle before it is retried', default: '120', valueName: 'S' },
} as const satisfies Record<string, OptionSpec>;

/** The S3 flags as S3Options; `flag` names the destination flag (--out, --lake) in messages. */
export function s3Options(args: ParsedArgs, isS3: boolean, flag: string): S3Options {
  const endpoint = str(args, 's3-endpoint');
  if (!isS3 && (endpoint !== undefined || str(args, 's3-region') !== undefined || bool(args, 's3-path-style'))) {
    throw new UsageError(`--s3-endpoint, --s3-region and --s3-path-style need ${flag} s3://bucket/prefix`);
  }
  if (endpoint !== undefined) {
    let url: URL;
    try { url = new URL(endpoint); } catch { throw new UsageError('--s3-endpoint: expected a URL such as http://127.0.0.1:9000'); }
    if (url.username || url.password) throw new UsageError('--s3-endpoint: credentials do not belong in the URL (use the AWS environment or profile)');
  }
  const partMiB = int(args, 'part-size', 5);
  const timeout = int(args, 's3-timeout', 1);
  return {
    endpoint, region: str(args, 's3-region'), pathStyle: bool(args, 's3-path-style'),
    partSize: partMiB === undefined ? undefined : partMiB * 1024 * 1024, timeoutMs: timeout === undefined ? undefined : timeout * 1000,
  };
}
