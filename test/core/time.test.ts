import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addMonths, monthEnd, monthOf, monthRange, monthStart, parseInstant } from '../../src/core/time.ts';

test('month arithmetic in UTC', () => {
  assert.equal(monthOf(Date.UTC(2024, 6, 31, 23, 59)), '2024-07');
  assert.equal(monthStart('2024-02'), Date.UTC(2024, 1, 1));
  assert.equal(monthEnd('2024-12'), Date.UTC(2025, 0, 1));
  assert.equal(addMonths('2024-11', 3), '2025-02');
  assert.deepEqual(monthRange('2024-11', '2025-01'), ['2024-11', '2024-12', '2025-01']);
  assert.throws(() => monthStart('2024-13'), /invalid month/);
  assert.equal(parseInstant('2024-07-01'), Date.UTC(2024, 6, 1));
  assert.throws(() => parseInstant('July'), /invalid date/);
});
