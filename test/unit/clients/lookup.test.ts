/**
 * The `lookup` step and its cache, through the real handler pipeline: a query API stand-in
 * counting lookups, Commerce checking OAuth 1.0a, the real aio-lib-state against a local
 * State server.
 */
import crypto from 'node:crypto';
import {
  ctCustomerDelete,
  ctCustomerUpsert,
  ctProductDelete,
  ctProductUpsert,
  thinProductChanged,
} from '../../../src/catalog/commercetools';
import type { CatalogEntry, PackageName } from '../../../src/catalog';
import { createHandler } from '../../../src/deliver/handler';
import { expandPath } from '../../../src/clients/lookup';
import { LookupCache, lookupCache } from '../../../src/clients/lookup-cache';
import { aioStateStore, memoryStateStore, resetStateClient } from '../../../src/state';
import { DeliverEnv, startDeliverEnv } from '../../support/deliver-env';
import { QueryApi, startQueryApi } from '../../support/query-api';

const quiet = () => ({ debug() {}, info() {}, warn() {}, error() {} });
const handlers = new Map<string, ReturnType<typeof createHandler>>();
const handlerFor = (pkg: PackageName) => {
  let h = handlers.get(pkg);
  if (!h) handlers.set(pkg, (h = createHandler({ package: pkg, logger: quiet })));
  return h;
};

let env: DeliverEnv;
let query: QueryApi;
const QUERY_KEY = 'query-key-123';

beforeAll(async () => {
  env = await startDeliverEnv();
  query = await startQueryApi({ apiKey: QUERY_KEY });
  resetStateClient();
});
afterAll(async () => {
  await query.close();
  await env.close();
  resetStateClient();
});
beforeEach(() => {
  env.commerce.reset();
  query.reset();
  lookupCache.clear();
  env.state.data.clear();
});

const inputs = (extra: Record<string, string> = {}) => ({
  ...env.inputs(),
  LOOKUP_BASE_URL: query.url,
  LOOKUP_API_KEY: QUERY_KEY,
  ...extra,
});
function run(
  entry: CatalogEntry,
  value: unknown,
  extra: Record<string, string> = {},
  id: string = crypto.randomUUID(),
) {
  return handlerFor(entry.package)({
    ...inputs(extra),
    type: entry.code,
    id,
    source: 'urn:uuid:backoffice',
    data: value,
  });
}

describe('thin events (ids + EntityChanged) → lookup → Commerce', () => {
  test('a burst of 100 changes to one product costs 1 lookup within the TTL, and every event is applied', async () => {
    // State in memory for this one (the real aio-lib-state path is covered below): 100 full pipelines stay fast
    const mem = memoryStateStore();
    const burstHandler = createHandler({ package: 'product-backoffice', logger: quiet, state: () => mem });
    query.entities.set('products/SKU-THIN-1', {
      sku: 'SKU-THIN-1',
      name: 'Thin One',
      price: 12.5,
      description: 'from the query API',
    });
    query.slow(30);
    // deliveries arrive a few at a time (I/O Events keeps a bounded number in flight): 10 lanes
    const results: Array<Awaited<ReturnType<typeof run>>> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < 100) {
          const i = next++;
          results.push(
            await burstHandler({
              ...inputs({ TARGET_TIMEOUT_MS: '30000' }),
              type: thinProductChanged.code,
              id: `burst-${i}`,
              source: 'urn:uuid:backoffice',
              data: { sku: 'SKU-THIN-1', entityChanged: i % 2 ? 'Price' : ['OnHand'] },
            }),
          );
        }
      }),
    );
    expect(results).toHaveLength(100);
    expect(
      results
        .filter((r) => r.statusCode !== 200)
        .map((r) => JSON.stringify(r))
        .slice(0, 3),
    ).toEqual([]);
    expect(query.count('products/SKU-THIN-1')).toBe(1);
    expect(env.commerce.products.get('SKU-THIN-1')).toMatchObject({ sku: 'SKU-THIN-1', name: 'Thin One', price: 12.5 });
    expect(env.commerce.requests.every((r) => r.auth === 'oauth1')).toBe(true);
  }, 90_000);

  test('within the TTL a second change of the same product looks up nothing', async () => {
    query.entities.set('products/SKU-TTL', { sku: 'SKU-TTL', name: 'A' });
    await run(thinProductChanged, { sku: 'SKU-TTL' });
    await run(thinProductChanged, { sku: 'SKU-TTL' });
    expect(query.count('products/SKU-TTL')).toBe(1);
  });

  test('LOOKUP_CACHE_TTL=0 disables the cache', async () => {
    query.entities.set('products/SKU-NC', { sku: 'SKU-NC', name: 'A' });
    await run(thinProductChanged, { sku: 'SKU-NC' }, { LOOKUP_CACHE_TTL: '0' });
    await run(thinProductChanged, { sku: 'SKU-NC' }, { LOOKUP_CACHE_TTL: '0' });
    expect(query.count('products/SKU-NC')).toBe(2);
  });

  test('a lookup 404 is final (404, not retried), nothing sent to Commerce', async () => {
    const r = await run(thinProductChanged, { sku: 'SKU-GONE' });
    expect(r).toMatchObject({ statusCode: 404, body: { success: false, code: 'target_not_found' } });
    expect(env.commerce.requests).toHaveLength(0);
  });

  test('a lookup 5xx is retried (same status) and not cached: the retry looks up again and applies', async () => {
    query.entities.set('products/SKU-FLAKY', { sku: 'SKU-FLAKY', name: 'Flaky' });
    query.fail(503);
    const first = await run(thinProductChanged, { sku: 'SKU-FLAKY' }, {}, 'evt-flaky');
    expect(first).toMatchObject({ statusCode: 503, body: { code: 'target_unavailable' } });
    const retry = await run(thinProductChanged, { sku: 'SKU-FLAKY' }, {}, 'evt-flaky');
    expect(retry.statusCode).toBe(200);
    expect(query.count('products/SKU-FLAKY')).toBe(2);
  });

  test('a lookup timeout is retried as 503', async () => {
    query.entities.set('products/SKU-SLOW', { sku: 'SKU-SLOW', name: 'Slow' });
    query.slow(400);
    const r = await run(thinProductChanged, { sku: 'SKU-SLOW' }, { LOOKUP_TIMEOUT_MS: '100' });
    expect(r).toMatchObject({ statusCode: 503, body: { code: 'target_timeout' } });
  });

  test('wrong query API credentials → 500 (misconfiguration, retried), missing LOOKUP_BASE_URL → 500 naming it', async () => {
    query.entities.set('products/SKU-K', { sku: 'SKU-K' });
    expect(await run(thinProductChanged, { sku: 'SKU-K' }, { LOOKUP_API_KEY: 'wrong' })).toMatchObject({
      statusCode: 500,
      body: { code: 'target_unauthorized' },
    });
    const r = await handlerFor('product-backoffice')({
      ...env.inputs(),
      type: thinProductChanged.code,
      id: 'x',
      data: { sku: 'SKU-K' },
    });
    expect(r).toMatchObject({ statusCode: 500, body: { code: 'missing_input' } });
    expect(r.body.error).toMatch(/LOOKUP_BASE_URL/);
  });

  test('LOOKUP_PATHS changes where an event is looked up, without code', async () => {
    query.entities.set('v2/items/SKU-P', { partNo: 'SKU-P', name: 'Path' });
    const r = await run(
      thinProductChanged,
      { sku: 'SKU-P' },
      { LOOKUP_PATHS: JSON.stringify({ 'thin.product.changed': 'v2/items/{sku}' }) },
    );
    expect(r.statusCode).toBe(200);
    expect(query.count('v2/items/SKU-P')).toBe(1);
  });

  test('an invalid thin event is rejected before any lookup', async () => {
    const r = await run(thinProductChanged, { entityChanged: 'Price' });
    expect(r).toMatchObject({ statusCode: 400, body: { code: 'invalid_value' } });
    expect(query.count()).toBe(0);
  });
});

describe('the cache across containers', () => {
  test('two containers (two caches) sharing State: a concurrent burst still costs 1 fetch (lease)', async () => {
    const a = new LookupCache();
    const b = new LookupCache();
    const state = aioStateStore();
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 80));
      return { sku: 'X' };
    };
    const all = await Promise.all([
      ...Array.from({ length: 20 }, () => a.get('http://q/products/X', 60, state, fetch)),
      ...Array.from({ length: 20 }, () => b.get('http://q/products/X', 60, state, fetch)),
    ]);
    expect(fetches).toBe(1);
    expect(all.every((v) => (v as { sku: string }).sku === 'X')).toBe(true);
    expect(a.stats.fetches + b.stats.fetches).toBe(1);
    expect(a.stats.waits + b.stats.waits + a.stats.stateHits + b.stats.stateHits).toBeGreaterThan(0);
  });

  test('100 concurrent gets in one container: 1 fetch (in-flight promise shared)', async () => {
    const c = new LookupCache();
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 50));
      return { sku: 'Y' };
    };
    await Promise.all(Array.from({ length: 100 }, () => c.get('http://q/products/Y', 60, memoryStateStore(), fetch)));
    expect(fetches).toBe(1);
  });

  test('after the TTL the next get fetches again, in memory and in State (clock moved, not waited)', async () => {
    let clock = 1_000_000;
    const state = memoryStateStore(() => clock);
    const c = new LookupCache(() => clock);
    let fetches = 0;
    const fetch = async () => ({ n: ++fetches });
    await c.get('u', 60, state, fetch);
    clock += 59_000;
    expect(await c.get('u', 60, state, fetch)).toEqual({ n: 1 });
    expect(await new LookupCache(() => clock).get('u', 60, state, fetch)).toEqual({ n: 1 });
    clock += 2_000;
    expect(await c.get('u', 60, state, fetch)).toEqual({ n: 2 });
    expect(fetches).toBe(2);
  });

  test('a cold container finds the entity in State', async () => {
    const state = memoryStateStore();
    let fetches = 0;
    const fetch = async () => ({ n: ++fetches });
    await new LookupCache().get('u', 60, state, fetch);
    const v = await new LookupCache().get('u', 60, state, fetch);
    expect(v).toEqual({ n: 1 });
  });

  test('State down: the cache degrades to memory and the lookup still works', async () => {
    const broken = { get: () => Promise.reject(new Error('down')), put: () => Promise.reject(new Error('down')) };
    const c = new LookupCache();
    let fetches = 0;
    const fetch = async () => ({ n: ++fetches });
    await Promise.all([c.get('u', 60, broken, fetch), c.get('u', 60, broken, fetch)]);
    expect(await c.get('u', 60, broken, fetch)).toEqual({ n: 1 });
  });

  test('path templates encode each field and name a missing one', () => {
    expect(expandPath('{projectKey}/customers/{resource.id}', { projectKey: 'p', resource: { id: 'a/b' } })).toBe(
      'p/customers/a%2Fb',
    );
    expect(() => expandPath('products/{sku}', {})).toThrow(/sku/);
  });
});

describe('commercetools events → lookup in the commercetools API → Commerce', () => {
  const ct = (extra: Record<string, string> = {}) => ({
    COMMERCETOOLS_LOOKUP_BASE_URL: query.url,
    COMMERCETOOLS_LOOKUP_API_KEY: QUERY_KEY,
    ...extra,
  });
  const customerPath = `fluent-ct-dev/customers/${ctCustomerUpsert.sample.resource.id}`;

  test('customer upsert creates, the next upsert updates the same Commerce customer, delete deletes it', async () => {
    query.entities.set(customerPath, {
      id: ctCustomerUpsert.sample.resource.id,
      version: 1,
      email: 'ct.jane@example.com',
      firstName: 'Jane',
      lastName: 'Roe',
    });
    const created = await run(ctCustomerUpsert, ctCustomerUpsert.sample, ct());
    expect(created.statusCode).toBe(200);
    const [id, saved] = [...env.commerce.customers.entries()][0] ?? [];
    expect(saved).toMatchObject({ email: 'ct.jane@example.com', firstname: 'Jane', lastname: 'Roe' });

    lookupCache.clear();
    env.state.data.forEach((_v, k) => k.startsWith('lookup.') && env.state.data.delete(k));
    query.entities.set(customerPath, {
      id: 'x',
      version: 2,
      email: 'ct.jane@example.com',
      firstName: 'Janet',
      lastName: 'Roe',
    });
    const updated = await run(
      ctCustomerUpsert,
      { ...ctCustomerUpsert.sample, id: 'msg-2', resourceVersion: 2, type: 'CustomerFirstNameSet' },
      ct(),
    );
    expect(updated.statusCode).toBe(200);
    expect(env.commerce.customers.size).toBe(1);
    expect(env.commerce.customers.get(id as number)).toMatchObject({ firstname: 'Janet' });
    expect(env.commerce.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST V1/customers',
      `PUT V1/customers/${id}`,
    ]);

    const deleted = await run(ctCustomerDelete, ctCustomerDelete.sample, ct());
    expect(deleted.statusCode).toBe(200);
    expect(env.commerce.customers.size).toBe(0);
    expect(query.count(customerPath)).toBe(2);
  });

  test('a delete of a customer never synced changes nothing and succeeds', async () => {
    const r = await run(
      ctCustomerDelete,
      { ...ctCustomerDelete.sample, resource: { typeId: 'customer', id: 'never-seen' } },
      ct(),
    );
    expect(r.statusCode).toBe(200);
    expect(env.commerce.requests).toHaveLength(0);
  });

  test('product upsert maps masterData.current (name, sku, price) and delete removes it by the remembered SKU', async () => {
    query.entities.set(`fluent-ct-dev/products/${ctProductUpsert.sample.resource.id}`, {
      id: ctProductUpsert.sample.resource.id,
      version: 7,
      key: 'duffle-bag',
      masterData: {
        published: true,
        current: {
          name: { 'de-DE': 'Reisetasche', en: 'Duffle Bag' },
          description: { en: 'Roomy' },
          masterVariant: {
            id: 1,
            sku: 'CT-DUFFLE',
            prices: [{ value: { type: 'centPrecision', currencyCode: 'EUR', centAmount: 4599, fractionDigits: 2 } }],
          },
        },
      },
    });
    const r = await run(ctProductUpsert, ctProductUpsert.sample, ct({ COMMERCETOOLS_LOCALE: 'en' }));
    expect(r.statusCode).toBe(200);
    expect(env.commerce.products.get('CT-DUFFLE')).toMatchObject({
      sku: 'CT-DUFFLE',
      name: 'Duffle Bag',
      price: 45.99,
    });
    const d = await run(ctProductDelete, ctProductDelete.sample, ct());
    expect(d.statusCode).toBe(200);
    expect(env.commerce.products.has('CT-DUFFLE')).toBe(false);
  });

  test('the commercetools token goes as a bearer token when the header is authorization', async () => {
    const bearerApi = await startQueryApi({ apiKey: 'ct-token', header: 'authorization' });
    try {
      bearerApi.entities.set(customerPath, { email: 'b@example.com', firstName: 'B', lastName: 'C' });
      const r = await run(ctCustomerUpsert, ctCustomerUpsert.sample, {
        COMMERCETOOLS_LOOKUP_BASE_URL: bearerApi.url,
        COMMERCETOOLS_LOOKUP_API_KEY: 'ct-token',
        COMMERCETOOLS_LOOKUP_API_KEY_HEADER: 'authorization',
      });
      expect(r.statusCode).toBe(200);
      expect(bearerApi.unauthorized).toBe(0);
    } finally {
      await bearerApi.close();
    }
  });

  test('a resource deleted before the lookup: 404 final', async () => {
    const r = await run(
      ctCustomerUpsert,
      { ...ctCustomerUpsert.sample, resource: { typeId: 'customer', id: 'vanished' } },
      ct(),
    );
    expect(r).toMatchObject({ statusCode: 404 });
  });
});
