// Prints what the PostgreSQL feature tables got after a run or a validation: partitions loaded, and the
// generated validation SQL's summary and first failures.
import type { TablesResult } from '../job/tables.ts';
import { fmtDuration, table } from './output.ts';

export function printTables(t: TablesResult, database: string): void {
  console.log(`\nPostgreSQL feature tables (${database}): ${t.load.loaded} partitions loaded, ${t.load.upToDate} up to date; SQL validation:`);
  console.log(table(['group', 'check', 'status', 'checked', 'failed', 'unavailable', 'info'],
    t.sql.summary.map((s) => [s.group, s.check, s.status, s.checked, s.failed, s.unavailable, s.info])));
  const failures = t.sql.findings.filter((f) => f.outcome === 'fail');
  for (const f of failures.slice(0, 10)) console.log(`FAIL ${f.check}: ${f.message}`);
  if (failures.length > 10) console.log(`… ${failures.length - 10} more failures`);
  console.log(`SQL validation in ${fmtDuration(t.sql.ms)}: ${t.sql.passed ? 'passed' : 'FAILED'}`);
}
