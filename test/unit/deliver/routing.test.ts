/** Routing data: the routing table, its overrides, inclusion filters, event resolution. */
import { findEvent } from '../../../src/catalog';
import {
  buildRoutingTable,
  parseRoutesOverride,
  readPath,
  rejectingFilter,
  resolveEvent,
} from '../../../src/deliver/routing';
import { RetryableError } from '../../../src/kernel/errors';

const entries = [
  { code: 'a.one', package: 'p', handler: 'p/handler' },
  { code: 'a.two', package: 'p', handler: 'p/handler' },
];

describe('routing table', () => {
  test('built from the catalog entries, overridden by data', () => {
    const t = buildRoutingTable(
      entries,
      parseRoutesOverride(
        '{"a.one": {"action": "x/y", "filters": [{"field": "value.k", "include": [1, "b"]}]}, "a.two": null}',
      ),
    );
    expect(t.get('a.one')).toEqual({
      event: 'a.one',
      action: 'x/y',
      filters: [{ field: 'value.k', include: [1, 'b'] }],
      enabled: true,
    });
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
    const route = {
      event: 'a.one',
      action: 'p/h',
      enabled: true,
      filters: [
        { field: 'value.store', include: ['1'] },
        { field: 'value.tags', include: ['b2b'] },
      ],
    };
    const subject = (value: unknown) => ({ type: 'a.one', data: {}, value });
    expect(rejectingFilter(route, subject({ store: 1, tags: ['x', 'b2b'] }))).toBeUndefined();
    expect(rejectingFilter(route, subject({ store: 2, tags: ['b2b'] }))?.field).toBe('value.store');
    expect(rejectingFilter(route, subject({ store: '1' }))?.field).toBe('value.tags');
    expect(readPath({ a: [{ b: 3 }] }, 'a.0.b')).toBe(3);
    expect(readPath({ a: 1 }, 'a.b.c')).toBeUndefined();
  });

  test('resolveEvent: EVENT_PREFIX first, then any Commerce prefix, back-office codes as they are', () => {
    const code = 'com.adobe.commerce.observer.catalog_product_save_commit_after';
    expect(
      resolveEvent(findEvent, 'com.adobe.commerce.acme.observer.catalog_product_save_commit_after', 'acme')?.code,
    ).toBe(code);
    expect(
      resolveEvent(findEvent, 'com.adobe.commerce.acme.stage.observer.catalog_product_save_commit_after', undefined)
        ?.code,
    ).toBe(code);
    expect(resolveEvent(findEvent, 'be-observer.catalog_product_create', 'acme')?.code).toBe(
      'be-observer.catalog_product_create',
    );
    expect(resolveEvent(findEvent, 'com.adobe.commerce.acme.observer.nothing', 'acme')).toBeUndefined();
  });
});
