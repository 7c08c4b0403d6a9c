/** Action inputs: the target timeout. */
import { targetTimeout } from '../../../src/kernel/inputs';

describe('target timeout', () => {
  const saved = process.env.__OW_DEADLINE;
  afterEach(() => {
    if (saved === undefined) delete process.env.__OW_DEADLINE;
    else process.env.__OW_DEADLINE = saved;
  });
  test('TARGET_TIMEOUT_MS, bounded by the activation deadline less a margin', () => {
    delete process.env.__OW_DEADLINE;
    expect(targetTimeout({}, 15_000)).toBe(15_000);
    expect(targetTimeout({ TARGET_TIMEOUT_MS: '2000' }, 15_000)).toBe(2_000);
    process.env.__OW_DEADLINE = String(1_000_000 + 10_000);
    expect(targetTimeout({}, 15_000, 1_000_000)).toBe(7_000);
    process.env.__OW_DEADLINE = String(1_000_000 + 1_000);
    expect(targetTimeout({}, 15_000, 1_000_000)).toBe(500);
  });
  test('a malformed TARGET_TIMEOUT_MS is a misconfiguration naming the input', () => {
    expect(() => targetTimeout({ TARGET_TIMEOUT_MS: 'soon' }, 15_000)).toThrow('TARGET_TIMEOUT_MS');
  });
});
