// bqx features [NAME] [--family F] [--stage S]: the catalog with definitions and status.
import { isImplemented, registry } from '../../features/registry.ts';
import { pgTable } from '../../features/tables.ts';
import type { FeatureDef } from '../../features/types.ts';
import { bool, str, UsageError, type CommandSpec } from '../args.ts';
import { printJson, table } from '../output.ts';

function entry(f: FeatureDef, implemented: boolean) {
  return { ...f, pgTable: pgTable(f.name), status: implemented ? 'implemented' : 'not implemented' };
}

export const features: CommandSpec = {
  name: 'features',
  summary: 'List the feature catalog: every feature and target with its definition, lookback and status.',
  positionals: '[NAME]',
  options: {
    family: { type: 'string', description: 'only this family (e.g. reg, ti, arb)', valueName: 'F' },
    stage: { type: 'string', description: 'only this stage (base, ti, ci, arb, erm, regime, cross)', valueName: 'S' },
  },
  async run(args) {
    const reg = registry();
    const implemented = (f: FeatureDef) => isImplemented(reg.familyOf.get(f.name)!);
    const name = args.positionals[0];
    if (name) {
      const f = reg.byName.get(name);
      if (!f) throw new UsageError(`no feature named ${JSON.stringify(name)} (bqx features --family F lists a family)`);
      if (bool(args, 'json')) printJson(entry(f, implemented(f)));
      else {
        for (const [k, v] of Object.entries(entry(f, implemented(f)))) console.log(`${k.padEnd(12)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
      }
      return 0;
    }
    const family = str(args, 'family');
    const stage = str(args, 'stage');
    if (family && !reg.families.some((f) => f.name === family)) {
      throw new UsageError(`--family: unknown family ${JSON.stringify(family)} (families: ${reg.families.map((f) => f.name).join(', ')})`);
    }
    const list = reg.all.filter((f) => (!family || f.family === family) && (!stage || f.stage === stage));
    if (bool(args, 'json')) {
      printJson(list.map((f) => entry(f, implemented(f))));
      return 0;
    }
    console.log(table(['name', 'family', 'domain', 'stage', 'lookback', 'role', 'status'],
      list.map((f) => [f.name, f.family, f.domain, f.stage, f.lookback, f.role, implemented(f) ? 'ok' : 'not implemented'])));
    const done = list.filter(implemented).length;
    console.log(`\n${list.length} columns (${list.filter((f) => f.role === 'feature').length} features, ${list.filter((f) => f.role === 'target').length} targets); ${done} implemented, ${list.length - done} not implemented yet.`);
    return 0;
  },
};
