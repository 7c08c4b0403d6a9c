/** State keys and the loop breaker's fingerprints. */
import { isEcho, memoryStateStore, normalizeValue, rememberWrite, stateKey } from '../../../src/state';

describe('State keys and fingerprints', () => {
  test('keys match aio-lib-state’s pattern; ids that would collide after sanitizing stay apart', () => {
    const pattern = /^[a-zA-Z0-9-_.]{1,1024}$/;
    const a = stateKey('loop', 'product', 'a b');
    const b = stateKey('loop', 'product', 'a_b');
    expect(a).toMatch(pattern);
    expect(b).toBe('loop.product.a_b');
    expect(a).not.toBe(b);
    expect(stateKey('applied', 'x'.repeat(2000))).toMatch(pattern);
    expect(stateKey('loop', 'customer', 'jane@example.com')).toMatch(pattern);
  });

  test('values normalize across Commerce and REST spellings', () => {
    expect(normalizeValue('66.0000')).toBe(normalizeValue(66));
    expect(normalizeValue('1')).toBe(normalizeValue(true));
    expect(normalizeValue(' x ')).toBe('x');
    expect(normalizeValue('')).toBeUndefined();
    expect(normalizeValue(null)).toBeUndefined();
  });

  test('echo: every field the event carries was written, unchanged; a field we did not write is news; expires with the TTL', async () => {
    let now = 1_000_000;
    const store = memoryStateStore(() => now);
    await rememberWrite(store, 'commerce', { entity: 'product', id: 'S', print: { name: 'n', price: 5 } }, 60);
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: { name: 'n', price: '5.0000' } })).toBe(
      true,
    );
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: { name: 'n' } })).toBe(true);
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: { name: 'other', price: 5 } })).toBe(
      false,
    );
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: { description: 'd' } })).toBe(false);
    expect(
      await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: { name: 'n', description: 'd' } }),
    ).toBe(false);
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: {} })).toBe(false);
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'T', print: { name: 'n' } })).toBe(false);
    // what we wrote to Commerce says nothing about back-office events
    expect(await isEcho(store, 'backoffice', { entity: 'product', id: 'S', print: { name: 'n' } })).toBe(false);
    now += 61_000;
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: { name: 'n' } })).toBe(false);
  });

  test('both sides changed at once: an echo is sent on when the other side got another value after our write', async () => {
    const store = memoryStateStore(() => 1_000_000);
    const mark = (name: string) => ({ entity: 'product', id: 'S', print: { name } });
    await rememberWrite(store, 'commerce', mark('from back office'), 60);
    expect(await isEcho(store, 'commerce', mark('from back office'))).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    // a Commerce admin's edit reached the back office after our write to Commerce
    await rememberWrite(store, 'backoffice', mark('from admin'), 60);
    expect(await isEcho(store, 'commerce', mark('from back office'))).toBe(false);
    // the same value sent on: nothing new for the back office, an echo again
    await new Promise((r) => setTimeout(r, 5));
    await rememberWrite(store, 'backoffice', mark('from back office'), 60);
    expect(await isEcho(store, 'commerce', mark('from back office'))).toBe(true);
  });
});
