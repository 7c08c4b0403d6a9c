/** What a target answered, read for messages and retry-after. */
import { parseRetryAfter, targetMessage } from '../../../src/kernel/call-target';

describe('target messages', () => {
  test('Commerce placeholders are filled, positional and named', () => {
    expect(targetMessage({ message: 'The "%1" value of "%2" is invalid.', parameters: ['price', 'SKU-1'] }, '')).toBe(
      'The "price" value of "SKU-1" is invalid.',
    );
    expect(targetMessage({ message: '"%fieldName" is required.', parameters: { fieldName: 'sku' } }, '')).toBe(
      '"sku" is required.',
    );
    expect(targetMessage({ error: 'plain' }, '')).toBe('plain');
    expect(targetMessage({ error: { message: 'nested' } }, '')).toBe('nested');
    expect(targetMessage('<html>oops</html>', '<html>oops</html>')).toBe('<html>oops</html>');
    expect(targetMessage({}, '{}')).toBeUndefined();
  });

  test('retry-after: seconds or an HTTP date, never negative', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
    const ahead = parseRetryAfter(new Date(Date.now() + 120_000).toUTCString()) ?? 0;
    expect(ahead).toBeGreaterThan(60);
    expect(ahead).toBeLessThanOrEqual(120);
  });
});
