import fc from 'fast-check';
import {
  classifyOutcome,
  MINUTE_MS,
  nextAttemptAt,
  registrationHealth,
  retryDelayMs,
  retrySchedule,
  RETRY_HORIZON_MS,
} from '../../../platform/events/policy';
import { extractEntityId } from '../../../platform/events/entity';

describe('delivery policy', () => {
  test.each([
    [200, 'success'],
    [204, 'success'],
    [299, 'success'],
    [301, 'final'],
    [400, 'final'],
    [401, 'final'],
    [404, 'final'],
    [410, 'final'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [505, 'final'],
    [599, 'retry'],
  ])('status %i → %s', (status, outcome) => {
    expect(classifyOutcome({ kind: 'status', status })).toBe(outcome);
  });

  test('timeout and no response are retried', () => {
    expect(classifyOutcome({ kind: 'timeout' })).toBe('retry');
    expect(classifyOutcome({ kind: 'no-response', reason: 'ECONNREFUSED' })).toBe('retry');
  });

  test('schedule: 1, 2, 4, 8 minutes, then every 15 minutes, within 24 hours', () => {
    const s = retrySchedule().map((ms) => ms / MINUTE_MS);
    expect(s.slice(0, 6)).toEqual([1, 2, 4, 8, 15, 15]);
    expect(s.every((m, i) => i < 4 || m === 15)).toBe(true);
    const total = s.reduce((a, b) => a + b, 0) * MINUTE_MS;
    expect(total).toBeLessThanOrEqual(RETRY_HORIZON_MS);
    expect(total + 15 * MINUTE_MS).toBeGreaterThan(RETRY_HORIZON_MS);
    expect(s).toHaveLength(99);
    expect(retryDelayMs(100)).toBeNull();
  });

  test('time scale compresses the schedule', () => {
    expect(nextAttemptAt(1000, 1, 0.001)).toBe(1000 + 60);
    expect(nextAttemptAt(1000, 5, 0.001)).toBe(1000 + 900);
    expect(nextAttemptAt(1000, 100, 0.001)).toBeNull();
  });

  test('property: delays never decrease and the cumulative delay stays within 24 h', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 98 }), (n) => {
        const a = retryDelayMs(n) as number;
        const b = retryDelayMs(n + 1) as number;
        return b >= a && a <= 15 * MINUTE_MS;
      }),
    );
  });

  test('health: ACTIVE, UNSTABLE when the latest attempt failed, DISABLED at >= 10 attempts with >= 80% failed', () => {
    expect(registrationHealth([])).toBe('ACTIVE');
    expect(registrationHealth([true, true])).toBe('ACTIVE');
    expect(registrationHealth([true, false])).toBe('UNSTABLE');
    expect(registrationHealth(Array(9).fill(false))).toBe('UNSTABLE');
    expect(registrationHealth(Array(10).fill(false))).toBe('DISABLED');
    expect(registrationHealth([true, true, ...Array(8).fill(false)])).toBe('DISABLED');
    expect(registrationHealth([true, true, true, ...Array(8).fill(false)])).toBe('UNSTABLE');
    expect(registrationHealth([...Array(7).fill(false), true, true, true])).toBe('ACTIVE');
  });
});

describe('entity id extraction', () => {
  test.each([
    [{ sku: 'SKU-1', name: 'x' }, 'SKU-1'],
    [{ value: { id: 2, sku: '24-MB01' } }, '24-MB01'],
    [{ value: { id: 123, email: 'john@x.com' } }, 'john@x.com'],
    [{ value: { id: '12', increment_id: '000000012' } }, '000000012'],
    [{ orderId: 8, items: [{ orderItemId: 8 }] }, '8'],
    [[{ sku: 'SKU-EXT-0001', quantity: 66 }], 'SKU-EXT-0001'],
    [{ id: 19, name: 'group' }, '19'],
    [{ nothing: true }, null],
    [null, null],
  ])('%j → %s', (data, id) => {
    expect(extractEntityId(data)).toBe(id);
  });
});
