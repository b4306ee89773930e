// bqx generate: a synthetic market of the 28 pairs into the store (deterministic for a seed).
import { PAIR_NAMES } from '../../core/currencies.ts';
import type { Config } from '../../core/config.ts';
import { parseInstant } from '../../core/time.ts';
import { generateInto } from '../../job/generate.ts';
import { bool, int, str, UsageError, type CommandSpec } from '../args.ts';
import { configFrom, withStore } from '../context.ts';
import { fmtDuration, fmtNumber, printJson } from '../output.ts';
import { pairsFlag } from './run.ts';
import { assertDiskFits, generateFootprint } from '../../pipeline/footprint.ts';

export function generateOptions(cfg: Config, flags: { pairs?: string[]; from?: string; months?: number; seed?: number }) {
  const from = flags.from ?? cfg.generateFrom;
  let fromTs: number;
  try { fromTs = parseInstant(from); } catch (e) { throw new UsageError(`--from: ${(e as Error).message}`); }
  return { pairs: flags.pairs ?? PAIR_NAMES, from: fromTs, months: flags.months ?? cfg.generateMonths, seed: flags.seed ?? cfg.seed };
}

export const generate: CommandSpec = {
  name: 'generate',
  summary: 'Generate a realistic synthetic market (8 latent currencies → 28 pairs; volatility clustering, intraday seasonality, jumps, weekend gaps, a few missing minutes) into the store. Deterministic for a seed; re-running replaces the same bars.',
  options: {
    pairs: { type: 'string', description: 'pairs, comma-separated', default: 'all 28', valueName: 'LIST' },
    from: { type: 'string', description: 'first day (UTC)', default: '2024-07-01 (config generateFrom)', valueName: 'DATE' },
    months: { type: 'string', description: 'number of months', default: '1 (config generateMonths)', valueName: 'N' },
    seed: { type: 'string', description: 'random seed', default: '42 (config seed)', valueName: 'N' },
  },
  async run(args) {
    const cfg = configFrom(args);
    const months = int(args, 'months', 1);
    const opts = generateOptions(cfg, { pairs: pairsFlag(args), from: str(args, 'from'), months, seed: int(args, 'seed') });
    const json = bool(args, 'json');
    assertDiskFits(generateFootprint(opts), cfg.dataDir, 'generate', ['fewer months or pairs (--months, --pairs)', 'another --data-dir on a larger disk']);
    const r = await withStore(cfg, (store) => generateInto(store, opts, (m, n) => { if (!json) console.log(`generated ${m}: ${fmtNumber(n)} bars`); }));
    if (json) printJson(r);
    else console.log(`generated ${fmtNumber(r.bars)} bars of ${r.pairs} pairs × ${r.months} months (seed ${r.seed}) in ${fmtDuration(r.wallMs)}`);
    return 0;
  },
};
