// A reader's result for a file that cannot be read at all.
import { allocBars } from '../../core/types.ts';
import type { DefectKind, ReadResult } from './types.ts';

export function fatalResult(file: string, kind: DefectKind, message: string, line = 0, rows = 0): ReadResult {
  return { pair: null, bars: allocBars(0), rows, dropped: { closedMarket: 0, flatInWeek: 0, firstFlatInWeekLine: 0 }, fatal: true,
    defects: [{ kind, file, line, message, raw: '' }] };
}
