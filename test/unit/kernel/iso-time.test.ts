import fc from 'fast-check';
import { isoTime } from '../../../src/kernel/iso-time';

const DAY = 86_400_000;

test('the same text as toISOString, for any time, in any order of days', () => {
  // years 0000 to 9999 and beyond, both sides of 1970
  fc.assert(
    fc.property(fc.integer({ min: -70_000_000_000_000, max: 260_000_000_000_000 }), (ms) => {
      const d = new Date(ms);
      expect(isoTime(d)).toBe(d.toISOString());
    }),
    { numRuns: 20_000 },
  );
});

test('around day boundaries and within one day', () => {
  const base = Date.UTC(2024, 1, 28); // a leap February
  for (const ms of [
    base - 1,
    base,
    base + 1,
    base + DAY - 1,
    base + DAY,
    base + 2 * DAY - 1,
    0,
    -1,
    253402300799999,
    -62167219200000,
  ]) {
    const d = new Date(ms);
    expect(isoTime(d)).toBe(d.toISOString());
  }
  for (let ms = base; ms < base + DAY; ms += 997_331) expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
});

test('an invalid date throws as toISOString does', () => {
  expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
});
