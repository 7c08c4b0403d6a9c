import { NamespaceLimits } from '../../platform/runtime/limits';
import { PlatformError } from '../../platform/core/errors';

test('concurrency cap: the 101st concurrent activation is refused, a release frees a slot', () => {
  const l = new NamespaceLimits(10_000, 100);
  for (let i = 0; i < 100; i++) l.acquire(0);
  expect(() => l.acquire(0)).toThrow(PlatformError);
  l.release();
  expect(() => l.acquire(0)).not.toThrow();
});

test('per-minute cap is a sliding window', () => {
  const l = new NamespaceLimits(600, 1000);
  for (let i = 0; i < 600; i++) {
    l.acquire(i * 50); // 600 in 30 s
    l.release();
  }
  expect(() => l.acquire(30_000)).toThrow(/last minute/);
  expect(() => l.acquire(60_500)).not.toThrow(); // the first second has left the window
});
