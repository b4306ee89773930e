// bqx export: the data set as Parquet (wide or seed layout) + catalog.json + manifest.json, to a
// directory or s3://bucket/prefix; --verify re-checks an existing export against its manifest.
import { isAbsolute, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { COMPRESSIONS, exportDataSet, LAYOUTS, verifyExport, type ExportProgress, type ExportResult } from '../../export/index.ts';
import { onLakeFileSystem } from '../../export/lakefiles.ts';
import { openObjectStore, parseS3Url, type S3Options } from '../../io/objectstore/index.ts';
import { bool, int, oneOf, str, UsageError, type CommandSpec } from '../args.ts';
import { configFrom, withStore } from '../context.ts';
import { S3_OPTIONS, s3Options } from '../s3.ts';
import { assertDiskFits, exportFootprint } from '../../pipeline/footprint.ts';
import { fmtDuration, fmtNumber, printJson, progressLines } from '../output.ts';
import { runSelection } from './run.ts';

const MB = 1e6;

export const exportCmd: CommandSpec = {
  name: 'export',
  summary: 'Write the computed data set as Parquet with catalog.json and manifest.json (written last) to a directory or an S3 bucket; ' +
    'only objects that are missing or changed are uploaded. Refuses a data set whose validation failed, is missing or is out of date unless --force.',
  details: `Layouts: wide = features/pair=P/month=YYYY-MM/part-0.parquet (ts, pair, every feature, every target);
seed = rate_domain/{pair}_rate_features_{YYYY_MM}.parquet, bqx_domain/{pair}_bqx_features_{YYYY_MM}.parquet,
cross_features/{family}_features_{YYYY_MM}.parquet (all pairs), targets/{pair}_targets_{YYYY_MM}.parquet,
validation/ (reports), logs/ (run logs);
units = units/<unit>/pair=P/month=YYYY-MM/part-0.parquet: the lake's own files as computed (ts and the unit's
columns, float64, LZ4_RAW; --compression and --float32 do not apply), joined on (ts, pair) by the reader
(catalog.json says which file holds each column). In a directory on the lake's file system they are hard
links (no extra disk); elsewhere they are copied or uploaded as they are.
S3 credentials come from the standard AWS chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE
and ~/.aws, instance role) and are never printed or written.`,
  options: {
    out: { type: 'string', description: 'destination: a directory or s3://bucket/prefix', default: 'bqx-data/export (config exportDir)', valueName: 'DIR|URL' },
    layout: { type: 'string', description: `file layout: ${LAYOUTS.join(', ')}`, default: 'wide', valueName: 'L' },
    compression: { type: 'string', description: `Parquet compression: ${COMPRESSIONS.join(' or ')} (wide and seed layouts)`, default: 'snappy', valueName: 'C' },
    pairs: { type: 'string', description: 'pairs, comma-separated', default: 'all', valueName: 'LIST' },
    months: { type: 'string', description: 'months YYYY-MM, comma-separated', default: 'all', valueName: 'LIST' },
    float32: { type: 'boolean', description: 'store feature and target columns as float32 (default float64; wide and seed layouts)' },
    force: { type: 'boolean', description: 'export even when the latest validation failed or is missing (the manifest then says unvalidated)' },
    'max-workers': { type: 'string', description: 'files written and uploaded at once', default: 'cores, at least 2', valueName: 'N' },
    ...S3_OPTIONS,
    verify: { type: 'boolean', description: 'do not export: read every object of the export at --out back and compare it with manifest.json (exit 1 on any difference)' },
  },
  async run(args) {
    const cfg = configFrom(args);
    const json = bool(args, 'json');
    const layout = oneOf(args, 'layout', LAYOUTS) ?? 'wide';
    const compression = oneOf(args, 'compression', COMPRESSIONS);
    const float32 = bool(args, 'float32');
    if (layout === 'units' && (compression || float32)) {
      throw new UsageError(`${compression ? '--compression' : '--float32'} does not apply to --layout units: its files are the lake's as computed (float64, LZ4_RAW)`);
    }
    const rawOut = str(args, 'out') ?? cfg.exportDir;
    let s3Url;
    try { s3Url = parseS3Url(rawOut); } catch (e) { throw new UsageError(`--out: ${(e as Error).message}`); }
    const out = s3Url || isAbsolute(rawOut) ? rawOut : resolve(rawOut);
    const s3 = s3Options(args, s3Url !== null, '--out');
    if (bool(args, 'verify')) return verify(out, s3, json);
    const sel = runSelection(args);
    const progress = json ? undefined : exportProgress();
    let r: ExportResult;
    try {
      r = await withStore(cfg, async (store) => {
        // A local destination must hold the files (an S3 one needs only one staging file per worker).
        if (!s3Url) {
          const hardLinks = layout === 'units' && onLakeFileSystem(cfg.dataDir, out);
          assertDiskFits(await exportFootprint(store, { pairs: sel.pairs, months: sel.months, float32, hardLinks }), out, 'export',
            ['fewer months or pairs (--months, --pairs)', '--float32 (half the size)', 'another --out on a larger disk']);
        }
        return exportDataSet(store, {
        dataDir: cfg.dataDir, out, layout, compression, pairs: sel.pairs, months: sel.months, float32,
        force: bool(args, 'force'), maxWorkers: int(args, 'max-workers', 1), s3, onProgress: progress?.update,
        });
      });
    } finally {
      progress?.stop();
    }
    if (json) printJson({ ...r, files: r.files.length });
    else {
      const secs = r.wallMs / 1000;
      console.log([
        `exported to ${r.destination} (${r.layout} layout${r.validated ? '' : ', UNVALIDATED'})`,
        `  files     ${fmtNumber(r.files.length)} Parquet + ${r.layout === 'seed' ? 'reports, logs, ' : ''}catalog.json, manifest.json; ${fmtNumber(r.rows)} rows × ${r.columns} columns`,
        `  bytes     ${fmtNumber(Math.round(r.bytes / MB))} MB in all; uploaded ${fmtNumber(r.uploaded)} objects (${fmtNumber(Math.round(r.uploadedBytes / MB))} MB), ${fmtNumber(r.skipped)} already there, ${fmtNumber(r.removed)} stale removed`,
        ...(r.linked || r.copiedAcrossFileSystems ? [`  lake      ${fmtNumber(r.linked)} files hard-linked (no bytes written)${r.copiedAcrossFileSystems ? `, ${fmtNumber(r.copiedAcrossFileSystems)} copied (another file system than the lake's)` : ''}`] : []),
        `  time      ${fmtDuration(r.wallMs)}, ${(r.uploadedBytes / MB / Math.max(secs, 1e-3)).toFixed(1)} MB/s`,
        `  retries   ${r.retries.sdk} HTTP (of ${fmtNumber(r.retries.requests)} requests), ${r.retries.puts} whole uploads`,
      ].join('\n'));
      if (r.missing.length) console.log(`not exported (stages not computed): ${r.missing.slice(0, 5).join('; ')}${r.missing.length > 5 ? ` … ${r.missing.length} in all` : ''}`);
    }
    return r.files.length > 0 && r.missing.length === 0 ? 0 : 1;
  },
};

async function verify(out: string, s3: S3Options, json: boolean): Promise<number> {
  const store = openObjectStore(out, s3);
  try {
    const r = await verifyExport(store, progressLines('verify', json));
    if (json) printJson(r);
    else if (r.problems.length === 0) console.log(`${r.destination}: all ${r.checked} objects match manifest.json (${fmtNumber(Math.round(r.bytes / MB))} MB read back)`);
    else console.log(`${r.destination}: ${r.problems.length} difference${r.problems.length === 1 ? '' : 's'} from manifest.json\n${r.problems.map((p) => `  ${p}`).join('\n')}`);
    return r.problems.length === 0 ? 0 : 1;
  } finally {
    store.close();
  }
}

/** A live bar (files, MB, MB/s) on a terminal; otherwise a line every 10 % or 5 s on stderr. */
function exportProgress(): { update: (p: ExportProgress) => void; stop: () => void } {
  const payload = (p: ExportProgress) => ({ mb: (p.bytes / MB).toFixed(1), rate: (p.bytes / MB / Math.max(p.elapsedMs / 1000, 1e-3)).toFixed(1) });
  if (process.stderr.isTTY) {
    let bar: cliProgress.SingleBar | null = null;
    return {
      update(p) {
        if (!bar) {
          bar = new cliProgress.SingleBar({ format: 'export |{bar}| {value}/{total} files | {mb} MB | {rate} MB/s', hideCursor: true }, cliProgress.Presets.shades_classic);
          bar.start(p.total, 0, payload(p));
        }
        bar.update(p.done, payload(p));
      },
      stop: () => bar?.stop(),
    };
  }
  let last = 0, lastDecile = -1;
  return {
    update(p) {
      const decile = Math.floor((10 * p.done) / p.total), now = Date.now();
      if (decile === lastDecile && now - last < 5000 && p.done < p.total) return;
      last = now; lastDecile = decile;
      const { mb, rate } = payload(p);
      console.error(`export: ${p.done}/${p.total} files (${((100 * p.done) / p.total).toFixed(0)}%) | ${mb} MB | ${rate} MB/s`);
    },
    stop() {},
  };
}
