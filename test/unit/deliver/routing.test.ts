/** The pure parts of the delivery side: routing data, target messages, State keys, fingerprints. */
import { findEvent } from '../../../src/catalog';
import { buildRoutingTable, parseRoutesOverride, readPath, rejectingFilter, resolveEvent } from '../../../src/deliver/routing';
import { isEcho, memoryStateStore, normalizeValue, rememberWrite, stateKey } from '../../../src/state';
import { parseRetryAfter, targetMessage } from '../../../src/kernel/call-target';
import { targetTimeout } from '../../../src/kernel/inputs';
import { RetryableError } from '../../../src/kernel/errors';

const entries = [{ code: 'a.one', package: 'p', handler: 'p/handler' }, { code: 'a.two', package: 'p', handler: 'p/handler' }];

describe('routing table', () => {
  test('built from the catalog entries, overridden by data', () => {
    const t = buildRoutingTable(entries, parseRoutesOverride('{"a.one": {"action": "x/y", "filters": [{"field": "value.k", "include": [1, "b"]}]}, "a.two": null}'));
    expect(t.get('a.one')).toEqual({ event: 'a.one', action: 'x/y', filters: [{ field: 'value.k', include: [1, 'b'] }], enabled: true });
    expect(t.get('a.two')?.enabled).toBe(false);
  });

  test.each([
    ['[1]', 'JSON object'],
    ['{"a.one": 3}', 'object or null'],
    ['{"a.one": {"action": "no-slash"}}', 'package/action'],
    ['{"a.one": {"filters": {}}}', 'array'],
    ['{"a.one": {"filters": [{"field": "x"}]}}', 'include'],
    ['{"a.one": {"filters": [{"field": "x", "include": [{}]}]}}', 'strings, numbers or booleans'],
  ])('ROUTES_OVERRIDE %s is a misconfiguration (500, retried) naming the problem', (raw, words) => {
    let err: unknown;
    try {
      buildRoutingTable(entries, parseRoutesOverride(raw));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as RetryableError).statusCode).toBe(500);
    expect((err as RetryableError).message).toContain(words);
  });

  test('an override for an event the catalog does not have is refused', () => {
    expect(() => buildRoutingTable(entries, { 'a.three': {} })).toThrow('unknown event "a.three"');
  });

  test('unset inputs mean no overrides', () => {
    expect(parseRoutesOverride(undefined)).toEqual({});
    expect(parseRoutesOverride('')).toEqual({});
    expect(parseRoutesOverride('$ROUTES_OVERRIDE')).toEqual({});
  });

  test('filters: dot paths, arrays, numbers compared as strings, all filters must pass', () => {
    const route = { event: 'a.one', action: 'p/h', enabled: true, filters: [{ field: 'value.store', include: ['1'] }, { field: 'value.tags', include: ['b2b'] }] };
    const subject = (value: unknown) => ({ type: 'a.one', data: {}, value });
    expect(rejectingFilter(route, subject({ store: 1, tags: ['x', 'b2b'] }))).toBeUndefined();
    expect(rejectingFilter(route, subject({ store: 2, tags: ['b2b'] }))?.field).toBe('value.store');
    expect(rejectingFilter(route, subject({ store: '1' }))?.field).toBe('value.tags');
    expect(readPath({ a: [{ b: 3 }] }, 'a.0.b')).toBe(3);
    expect(readPath({ a: 1 }, 'a.b.c')).toBeUndefined();
  });

  test('resolveEvent: EVENT_PREFIX first, then any Commerce prefix, back-office codes as they are', () => {
    const code = 'com.adobe.commerce.observer.catalog_product_save_commit_after';
    expect(resolveEvent(findEvent, 'com.adobe.commerce.acme.observer.catalog_product_save_commit_after', 'acme')?.code).toBe(code);
    expect(resolveEvent(findEvent, 'com.adobe.commerce.acme.stage.observer.catalog_product_save_commit_after', undefined)?.code).toBe(code);
    expect(resolveEvent(findEvent, 'be-observer.catalog_product_create', 'acme')?.code).toBe('be-observer.catalog_product_create');
    expect(resolveEvent(findEvent, 'com.adobe.commerce.acme.observer.nothing', 'acme')).toBeUndefined();
  });
});

describe('target messages', () => {
  test('Commerce placeholders are filled, positional and named', () => {
    expect(targetMessage({ message: 'The "%1" value of "%2" is invalid.', parameters: ['price', 'SKU-1'] }, '')).toBe('The "price" value of "SKU-1" is invalid.');
    expect(targetMessage({ message: '"%fieldName" is required.', parameters: { fieldName: 'sku' } }, '')).toBe('"sku" is required.');
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
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: { name: 'n', price: '5.0000' } })).toBe(true);
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: { name: 'n' } })).toBe(true);
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: { name: 'other', price: 5 } })).toBe(false);
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: { description: 'd' } })).toBe(false);
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: { name: 'n', description: 'd' } })).toBe(false);
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: {} })).toBe(false);
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'T', print: { name: 'n' } })).toBe(false);
    // what we wrote to Commerce says nothing about back-office events
    expect(await isEcho(store, 'backoffice', { entity: 'product', id: 'S', print: { name: 'n' } })).toBe(false);
    now += 61_000;
    expect(await isEcho(store, 'commerce', { entity: 'product', id: 'S', print: { name: 'n' } })).toBe(false);
  });
});

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
